package io.pgwarden.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The fixture itself: a real server answers, with checksums on and the C.UTF-8 locale. */
class PostgresFixtureIT {
    @Test
    void sharedServerAnswersQueries() throws Exception {
        TestPostgres pg = TestPostgres.shared();
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('data_checksums'), current_setting('lc_collate'), current_setting('server_version_num')::int")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("on");
            assertThat(rs.getString(2)).isEqualTo("C.UTF-8");
            assertThat(rs.getInt(3)).isBetween(150000, 159999);
        }
    }
}
