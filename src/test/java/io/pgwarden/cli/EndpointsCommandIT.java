package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.testing.TestPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pgwarden endpoints reconcile} end to end through the CLI, with the env the replaced CronJob used. */
class EndpointsCommandIT {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        CommandLine cli = Main.commandLine(env);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void reconcilePublishesASinglePrimaryFromPgNodesAndExits0() throws Exception {
        TestPostgres pg = TestPostgres.shared();
        Path file = dir.resolve("topology.json");

        int code = run(Map.of("PG_NODES", "127.0.0.1:" + pg.port(), "PGUSER", "postgres", "ENDPOINTS_FILE", file.toString()),
                "endpoints", "reconcile");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("changed: primary 127.0.0.1:" + pg.port() + " (timeline 1); read-only none")
                .contains("  file " + file + ": CHANGED");
        assertThat(Files.readString(file)).contains("\"primary\" : \"127.0.0.1:" + pg.port() + "\"");
    }

    @Test
    void noReachablePrimaryExits1AndWritesNothing() {
        Path file = dir.resolve("topology.json");
        int dead = TestPostgres.freePort();

        int code = run(Map.of(), "endpoints", "reconcile", "--nodes", "127.0.0.1:" + dead, "--file", file.toString(),
                "--connect-timeout", "2s");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).startsWith("no primary: no reachable primary among 1 node (127.0.0.1:" + dead
                + " down (connection refused)); endpoints were left unchanged");
        assertThat(file).doesNotExist();
    }

    @Test
    void invalidSettingsAreAllReportedWithExit2() {
        int code = run(Map.of("PG_NODES", "10.0.0.1:99999", "MAX_LAG", "lots", "RW_SERVICE", "pg-rw"),
                "endpoints", "reconcile");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: PG_NODES=10.0.0.1:99999: '10.0.0.1:99999' has port 99999: expected a number from 1 to 65535"
                + System.lineSeparator() + "MAX_LAG=lots: expected a size such as 16MB or a duration such as 30s"
                + System.lineSeparator() + "--rw-service/RW_SERVICE=pg-rw: the Kubernetes publisher needs both --rw-service "
                + "(RW_SERVICE) and --ro-service (RO_SERVICE)" + System.lineSeparator());
    }

    @Test
    void helpNamesEnvironmentVariablesAndExitCodes() {
        int code = run(Map.of(), "endpoints", "reconcile", "--help");

        assertThat(code).isZero();
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("Env: PG_NODES", "Env: NAMESPACE", "Env: RW_SERVICE", "Env: RO_SERVICE",
                "Env: PGUSER", "Env: PGCONNECT_TIMEOUT", "3 more than one primary (split brain); nothing was changed");
    }

    @Test
    void aRewrittenPgBouncerIniWhoseReloadFailsIsReportedAsChangedThenFailedWithoutRetryTalk() throws Exception {
        TestPostgres pg = TestPostgres.shared();
        int deadConsole = TestPostgres.freePort();
        Path ini = Files.writeString(dir.resolve("pgbouncer.ini"), "[databases]\napp = host=10.9.9.9 port=5432 dbname=app\n");

        int code = run(Map.of(), "endpoints", "reconcile", "--nodes", "127.0.0.1:" + pg.port(), "--user", "postgres",
                "--pgbouncer-ini", ini.toString(), "--pgbouncer-admin-url", "postgresql://pgbouncer@127.0.0.1:" + deadConsole
                        + "/pgbouncer");

        assertThat(code).as(err.toString()).isEqualTo(4);
        assertThat(Files.readString(ini)).isEqualTo("[databases]\napp = host=127.0.0.1 port=" + pg.port() + " dbname=app\n");
        String publisher = "pgbouncer " + ini + " (admin 127.0.0.1:" + deadConsole + ")";
        String failure = "PgBouncer: " + ini + " was rewritten for 127.0.0.1:" + pg.port() + " but 'RELOAD' on the admin "
                + "console postgresql://pgbouncer@127.0.0.1:" + deadConsole + "/pgbouncer failed: psql: error: connection "
                + "to server at \"127.0.0.1\", port " + deadConsole + " failed: Connection refused Is the server running on "
                + "that host and accepting TCP/IP connections?; check --pgbouncer-admin-url and that the user is in admin_users";
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("changed: primary 127.0.0.1:" + pg.port() + " (timeline 1); read-only none; "
                + "publisher " + publisher + " failed: " + failure);
        assertThat(lines.get(1)).matches("  probed 1 nodes in \\d+ ms");
        assertThat(lines.get(2)).isEqualTo("  " + publisher + ": CHANGED, then FAILED " + failure);
        assertThat(out.toString()).doesNotContain("unchanged", "next cycle", "retr");
    }
}
