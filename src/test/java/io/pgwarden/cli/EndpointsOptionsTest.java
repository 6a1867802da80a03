package io.pgwarden.cli;

import io.pgwarden.agent.EndpointsConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.PgWardenException;
import io.pgwarden.topology.LagLimit;
import io.pgwarden.topology.NodeAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EndpointsOptionsTest {
    private static EndpointsConfig resolve(Map<String, String> env, String... args) {
        EndpointsReconcileCommand cmd = new EndpointsReconcileCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.options.resolve(env);
    }

    @Test
    void theReplacedCronJobsEnvironmentEnablesTheKubernetesPublisher() {
        EndpointsConfig c = resolve(Map.of("PG_NODES", "10.0.0.1,10.0.0.2:5433", "NAMESPACE", "db",
                "RW_SERVICE", "pg-rw", "RO_SERVICE", "pg-ro", "PGUSER", "monitor", "PGPASSWORD", "s3cret",
                "PGDATABASE", "app", "PGSSLMODE", "require", "PGCONNECT_TIMEOUT", "3"));

        assertThat(c.nodes()).containsExactly(new NodeAddress("10.0.0.1", 5432), new NodeAddress("10.0.0.2", 5433));
        assertThat(c.namespace()).isEqualTo("db");
        assertThat(c.rwService()).isEqualTo("pg-rw");
        assertThat(c.roService()).isEqualTo("pg-ro");
        assertThat(c.probe().user()).isEqualTo("monitor");
        assertThat(c.probe().password()).isEqualTo("s3cret");
        assertThat(c.probe().database()).isEqualTo("app");
        assertThat(c.probe().sslmode()).isEqualTo("require");
        assertThat(c.probe().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.maxLag()).isEqualTo(LagLimit.NONE);
        assertThat(c.file()).isNull();
        assertThat(c.pgbouncerIni()).isNull();
    }

    @Test
    void flagsWinOverEnvironment() {
        EndpointsConfig c = resolve(Map.of("PG_NODES", "10.0.0.1", "PGUSER", "env-user", "ENDPOINTS_FILE", "/env.json"),
                "--nodes", "10.0.0.9:6000", "--user", "flag-user", "--file", "/flag.json", "--connect-timeout", "500ms",
                "--max-lag", "30s");

        assertThat(c.nodes()).containsExactly(new NodeAddress("10.0.0.9", 6000));
        assertThat(c.probe().user()).isEqualTo("flag-user");
        assertThat(c.file()).isEqualTo(Path.of("/flag.json"));
        assertThat(c.probe().connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.maxLag().maxTime()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void missingNodesAndPublishersAreBothReported() {
        assertThatThrownBy(() -> resolve(Map.of()))
                .isInstanceOf(PgWardenException.class)
                .hasMessage("--nodes/PG_NODES is required: the PostgreSQL nodes to probe, e.g. PG_NODES=10.0.0.1,10.0.0.2:5433"
                        + System.lineSeparator() + "no publisher configured: give --rw-service and --ro-service "
                        + "(RW_SERVICE, RO_SERVICE), --file (ENDPOINTS_FILE) or --pgbouncer-ini (PGBOUNCER_INI)");
    }

    @Test
    void pgbouncerAdminDefaultsToTheLocalConsole() {
        EndpointsConfig c = resolve(Map.of("PG_NODES", "10.0.0.1", "PGBOUNCER_INI", "/etc/pgbouncer/pgbouncer.ini"));

        assertThat(c.pgbouncerAdmin().display()).isEqualTo("postgresql://pgbouncer@127.0.0.1:6432/pgbouncer");
        assertThat(c.psql()).isEqualTo("psql");
    }

    @Test
    void aFileInAMissingDirectoryIsRejectedUpFrontWithoutCreatingIt(@TempDir Path dir) {
        Path missing = dir.resolve("nonexistent").resolve("dir");
        Path file = missing.resolve("t.json");

        CliRun run = CliRun.of(Map.of("PG_NODES", "127.0.0.1:55432"), "endpoints", "reconcile", "--file", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("error: --file=" + file + ": its directory " + missing + " does not exist; "
                + "pgwarden does not create directories: create it or fix the path" + System.lineSeparator());
        assertThat(run.out()).isEmpty();
        assertThat(dir.resolve("nonexistent")).doesNotExist();
    }

    @Test
    void anEndpointsFileEnvNamingADirectoryOrAFileAsDirectoryIsRejected(@TempDir Path dir) throws Exception {
        Path plain = Files.writeString(dir.resolve("plain"), "x");

        assertThatThrownBy(() -> resolve(Map.of("PG_NODES", "10.0.0.1", "ENDPOINTS_FILE", dir.toString())))
                .isInstanceOf(PgWardenException.class)
                .hasMessage("ENDPOINTS_FILE=" + dir + ": is a directory; expected the path of a file, e.g. "
                        + dir.resolve("topology.json"));
        assertThatThrownBy(() -> resolve(Map.of("PG_NODES", "10.0.0.1", "ENDPOINTS_FILE", plain + "/t.json")))
                .isInstanceOf(PgWardenException.class)
                .hasMessage("ENDPOINTS_FILE=" + plain + "/t.json: its directory " + plain + " is not a directory; "
                        + "pgwarden does not create directories: create it or fix the path");
    }

    @Test
    void thePasswordFileWinsOverPgpasswordAndOnlyItsFirstLineCounts(@TempDir Path dir) throws Exception {
        Path pw = Files.writeString(dir.resolve("probe.password"), "  fr0m-file \nsecond line\n");

        EndpointsConfig c = resolve(Map.of("PG_NODES", "10.0.0.1", "ENDPOINTS_FILE", "/t.json", "PGPASSWORD", "from-env",
                "PGWARDEN_PASSWORD_FILE", pw.toString()));
        EndpointsConfig noFile = resolve(Map.of("PG_NODES", "10.0.0.1", "ENDPOINTS_FILE", "/t.json", "PGPASSWORD", "from-env"));

        assertThat(c.probe().password()).isEqualTo("fr0m-file");
        assertThat(noFile.probe().password()).isEqualTo("from-env");
    }

    @Test
    void aMissingOrEmptyPasswordFileIsExit2NamingTheSettingWithoutAnyPassword(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.password"), "\n");
        Path missing = dir.resolve("missing.password");

        CliRun run = CliRun.of(Map.of("PG_NODES", "10.0.0.1", "ENDPOINTS_FILE", dir.resolve("t.json").toString(),
                "PGWARDEN_PASSWORD_FILE", missing.toString()), "endpoints", "reconcile");
        CliRun emptyRun = CliRun.of(Map.of("PG_NODES", "10.0.0.1", "ENDPOINTS_FILE", dir.resolve("t.json").toString()),
                "endpoints", "watch", "--password-file", empty.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("error: PGWARDEN_PASSWORD_FILE=" + missing
                + " (no such file, or not readable by this user)" + System.lineSeparator());
        assertThat(emptyRun.exitCode()).isEqualTo(2);
        assertThat(emptyRun.err()).isEqualTo("error: --password-file=" + empty
                + " (the file is empty; write the password of --user on its first line)" + System.lineSeparator());
    }
}
