package io.pgwarden.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionSpecTest {
    @Test
    void libpqEnvironmentIsHonoured() {
        ConnectionSpec s = ConnectionSpec.fromEnv(Map.of("PGHOST", "db", "PGPORT", "5433", "PGUSER", "app",
                "PGPASSWORD", "pw", "PGDATABASE", "shop", "PGSSLMODE", "require", "PGCONNECT_TIMEOUT", "3"));
        assertThat(s.address()).isEqualTo("db:5433");
        assertThat(s.database()).isEqualTo("shop");
        assertThat(s.jdbcProperties().getProperty("sslmode")).isEqualTo("require");
        assertThat(s.connectTimeout().toSeconds()).isEqualTo(3);
        assertThatThrownBy(() -> ConnectionSpec.fromEnv(Map.of("PGPORT", "99999")))
                .hasMessageContaining("PGPORT=99999");
    }

    @Test
    void databaseUrlIsParsedAndNeverDisplaysThePassword() {
        ConnectionSpec s = ConnectionSpec.parseUrl("postgresql://pact:s%40cret@localhost:5432/pact_mock_servers?sslmode=disable",
                ConnectionSpec.fromEnv(Map.of()));
        assertThat(s.user()).isEqualTo("pact");
        assertThat(s.password()).isEqualTo("s@cret");
        assertThat(s.database()).isEqualTo("pact_mock_servers");
        assertThat(s.sslmode()).isEqualTo("disable");
        assertThat(s.toString()).isEqualTo("postgresql://pact@localhost:5432/pact_mock_servers").doesNotContain("cret");
        assertThat(s.jdbcUrl()).doesNotContain("cret");
        assertThatThrownBy(() -> ConnectionSpec.parseUrl("mysql://x", s)).hasMessageContaining("postgresql://");
    }

    @Test
    void identifiersAreQuoted() {
        assertThat(SqlIdentifiers.quote("my \"db\"")).isEqualTo("\"my \"\"db\"\"\"");
        assertThat(SqlIdentifiers.literal("it's")).isEqualTo("'it''s'");
        assertThatThrownBy(() -> SqlIdentifiers.quote("x".repeat(64))).hasMessageContaining("63 bytes");
    }

    @Test
    void rootRunsServerProgramsThroughSetprivWhichExecs() {
        assertThat(new Privileges(true, "postgres").asServerUser(java.util.List.of("postgres", "-D", "d")))
                .containsExactly("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", "postgres", "-D", "d");
        assertThat(new Privileges(false, "postgres").asServerUser(java.util.List.of("postgres")))
                .containsExactly("postgres");
    }
}
