package io.pgwarden.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PgBouncerIniTest {
    private static final NodeAddress NEW = new NodeAddress("10.0.0.2", 5433);

    @Test
    void rewritesOnlyHostAndPortOfDatabaseEntries() {
        String ini = """
                ; managed by ops
                [databases]
                appdb = host=10.0.0.1 port=5432 dbname=app pool_size=20
                reports = dbname=reports host='10.0.0.1'
                nohost = dbname=x
                # host=10.0.0.1 port=5432 stays a comment
                [pgbouncer]
                listen_port = 6432
                admin_users = pgbouncer
                """;

        String out = PgBouncerIni.retarget(ini, NEW);

        assertThat(out).isEqualTo("""
                ; managed by ops
                [databases]
                appdb = host=10.0.0.2 port=5433 dbname=app pool_size=20
                reports = dbname=reports host=10.0.0.2 port=5433
                nohost = dbname=x host=10.0.0.2 port=5433
                # host=10.0.0.1 port=5432 stays a comment
                [pgbouncer]
                listen_port = 6432
                admin_users = pgbouncer
                """);
        assertThat(PgBouncerIni.retarget(out, NEW)).isEqualTo(out);
        assertThat(PgBouncerIni.targets(out)).isEqualTo(Map.of("appdb", "10.0.0.2:5433", "nohost", "10.0.0.2:5433",
                "reports", "10.0.0.2:5433"));
    }

    @Test
    void keepsWindowsLineEndings() {
        assertThat(PgBouncerIni.retarget("[databases]\r\n* = host=a port=1\r\n", NEW))
                .isEqualTo("[databases]\r\n* = host=10.0.0.2 port=5433\r\n");
    }
}
