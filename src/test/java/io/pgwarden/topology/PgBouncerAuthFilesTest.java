package io.pgwarden.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgBouncerAuthFilesTest {
    private static final Map<String, String> AUTH = PgBouncerAuthFiles.authSettings("pgbouncer_auth", Path.of("/etc/pgb/userlist.txt"));

    @Test
    void anExistingIniGetsTheAuthLinesAndKeepsEverythingElse() {
        String ini = """
                ; my comment
                [databases]
                appdb = host=10.0.0.1 port=5432 dbname=app

                [pgbouncer]
                listen_port = 6432
                auth_type = trust
                auth_file = /old/userlist.txt
                pool_mode = session

                [users]
                app = pool_mode=transaction
                """;
        String out = PgBouncerAuthFiles.withSettings(ini, AUTH);
        assertThat(out).isEqualTo("""
                ; my comment
                [databases]
                appdb = host=10.0.0.1 port=5432 dbname=app

                [pgbouncer]
                listen_port = 6432
                auth_type = scram-sha-256
                auth_file = /etc/pgb/userlist.txt
                pool_mode = session
                auth_user = pgbouncer_auth
                auth_query = SELECT usename, passwd FROM pgbouncer.get_auth($1)

                [users]
                app = pool_mode=transaction
                """);
        assertThat(PgBouncerAuthFiles.withSettings(out, AUTH)).isEqualTo(out);
        // the endpoint publisher still reads and re-points it
        assertThat(PgBouncerIni.targets(out)).containsExactly(Map.entry("appdb", "10.0.0.1:5432"));
        assertThat(PgBouncerIni.retarget(out, new NodeAddress("10.0.0.2", 5433)))
                .contains("appdb = host=10.0.0.2 port=5433 dbname=app").contains("auth_user = pgbouncer_auth");
    }

    @Test
    void aMinimalIniWorksWithTheEndpointPublisher() {
        String any = PgBouncerAuthFiles.minimal(new NodeAddress("10.0.0.1", 5432), List.of(), AUTH, "*", 6432);
        assertThat(any).contains("* = host=10.0.0.1 port=5432\n").contains("listen_addr = *\n").contains("listen_port = 6432\n")
                .contains("pool_mode = transaction\n").contains("auth_type = scram-sha-256\n");
        assertThat(PgBouncerIni.targets(any)).containsExactly(Map.entry("*", "10.0.0.1:5432"));
        assertThat(PgBouncerIni.retarget(any, new NodeAddress("10.0.0.9", 5439))).contains("* = host=10.0.0.9 port=5439\n");
        String named = PgBouncerAuthFiles.minimal(new NodeAddress("db", 5432), List.of("app", "reports"), AUTH, "127.0.0.1", 6432);
        assertThat(PgBouncerIni.targets(named)).containsExactly(Map.entry("app", "db:5432"), Map.entry("reports", "db:5432"));
        assertThat(PgBouncerAuthFiles.withSettings(named, AUTH)).isEqualTo(named);
    }

    @Test
    void theUserlistLineOfTheAuthUserIsSetAndOthersKept() {
        String list = "\"app\" \"SCRAM-SHA-256$4096:a$b:c\"\n\"pgbouncer_auth\" \"old\"\n";
        String out = PgBouncerAuthFiles.withUser(list, "pgbouncer_auth", "SCRAM-SHA-256$4096:x$y:z");
        assertThat(out).isEqualTo("\"app\" \"SCRAM-SHA-256$4096:a$b:c\"\n\"pgbouncer_auth\" \"SCRAM-SHA-256$4096:x$y:z\"\n");
        assertThat(PgBouncerAuthFiles.secretOf(out, "pgbouncer_auth")).isEqualTo("SCRAM-SHA-256$4096:x$y:z");
        assertThat(PgBouncerAuthFiles.withUser("", "we\"ird", "s")).isEqualTo("\"we\"\"ird\" \"s\"\n");
    }

    @Test
    void aScramVerifierIsCheckedAgainstAPassword() {
        String stored = org.postgresql.util.PasswordUtil.encodeScramSha256("pa:ss\\word".toCharArray());
        assertThat(ScramVerifier.matches(stored, "pa:ss\\word")).isTrue();
        assertThat(ScramVerifier.matches(stored, "other")).isFalse();
        assertThat(ScramVerifier.matches("md5abc", "x")).isFalse();
        assertThat(ScramVerifier.matches(null, "x")).isFalse();
    }
}
