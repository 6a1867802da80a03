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
    void urlsThatDoNotParseAreRejectedNotReplacedByDefaults() {
        ConnectionSpec defaults = ConnectionSpec.fromEnv(Map.of());
        assertThat(ConnectionSpec.parseUrl("postgresql://postgres@my_db:55438/app", defaults).address())
                .isEqualTo("my_db:55438");
        assertThat(ConnectionSpec.parseUrl("postgres://[::1]:6432/x", defaults).address()).isEqualTo("::1:6432");
        assertThat(ConnectionSpec.parseUrl("postgresql:///x", defaults).address()).isEqualTo("127.0.0.1:5432");
        assertThatThrownBy(() -> ConnectionSpec.parseUrl("postgresql://u:pw@db.example.com:abc/x", defaults))
                .hasMessage("port in the URL=abc: expected a port number from 1 to 65535");
        assertThatThrownBy(() -> ConnectionSpec.parseUrl("postgresql://u@h1:5432,h2:5433/x", defaults))
                .hasMessageContaining("several hosts (h1:5432,h2:5433) are not supported");
        assertThatThrownBy(() -> ConnectionSpec.parseUrl("postgresql://u@h/x?sslmode=bogus", defaults))
                .hasMessageContaining("sslmode 'bogus' is not one of disable");
        assertThatThrownBy(() -> ConnectionSpec.fromEnv(Map.of("PGSSLMODE", "maybe")))
                .hasMessageStartingWith("PGSSLMODE=maybe: allowed values are");
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

    @Test
    void theCaFileComesFromPgsslrootcertOrTheUrlAndReachesTheDriver() {
        ConnectionSpec env = ConnectionSpec.fromEnv(Map.of("PGSSLMODE", "verify-full", "PGSSLROOTCERT", "/tls/ca.crt"));
        assertThat(env.jdbcProperties()).containsEntry("sslmode", "verify-full").containsEntry("sslrootcert", "/tls/ca.crt");
        ConnectionSpec url = ConnectionSpec.parseUrl("postgresql://app@db/app?sslmode=verify-ca&sslrootcert=%2Fother%2Fca.crt", env);
        assertThat(url.sslrootcert()).isEqualTo("/other/ca.crt");
        assertThat(url.withHostPort("db2", 5433).withUser("u", "p").withDatabase("d").sslrootcert()).isEqualTo("/other/ca.crt");
        assertThat(ConnectionSpec.fromEnv(Map.of()).jdbcProperties()).doesNotContainKey("sslrootcert");
        assertThat(env.withSsl("require", null).sslrootcert()).isEqualTo("/tls/ca.crt");
        assertThat(env.toString()).doesNotContain("ca.crt");
    }
}
