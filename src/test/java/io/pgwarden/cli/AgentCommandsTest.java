package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** run and sidecar validate every flag and variable before anything starts, reporting all problems at once. */
class AgentCommandsTest {
    private static String[] run(Map<String, String> env, String... args) {
        CommandLine cli = Main.commandLine(env);
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), err.toString()};
    }

    @Test
    void sidecarReportsEveryInvalidSetting() {
        String[] r = run(Map.of("HEALTH_PORT", "eighty", "WAIT_TIMEOUT", "soon", "DATABASE_URL", "mysql://db/app"),
                "sidecar", "--migrations-dir", "/nonexistent/migrations");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("DATABASE_URL=mysql://db/app: expected a URL such as postgresql://user@host:5432/dbname")
                .contains("--migrations-dir=/nonexistent/migrations: not a directory; mount the migrations there or fix the path")
                .contains("WAIT_TIMEOUT=soon: expected a duration such as 500ms, 10s, 2m or 1h")
                .contains("HEALTH_PORT=eighty: expected a port number from 1 to 65535 (0 picks a free port)");
    }

    @Test
    void monitorIntervalIsValidatedWithItsOrigin() {
        String[] r = run(Map.of("PGWARDEN_MONITOR_INTERVAL", "often"), "sidecar");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("PGWARDEN_MONITOR_INTERVAL=often: expected a duration such as 500ms, 10s, 2m or 1h");
        r = run(Map.of(), "run", "--monitor-interval", "0s");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("--monitor-interval=0s: expected a duration above zero such as 500ms, 10s, 2m or 1h");
    }

    @Test
    void runReportsEveryInvalidSetting() {
        String[] r = run(Map.of("PGWARDEN_STOP_TIMEOUT", "soon", "POSTGRES_DB", ""), "run", "--port", "70000",
                "--allow", "everyone", "--health-port", "-1");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("--port=70000: expected a port number from 1 to 65535")
                .contains("--allow=everyone: 'everyone' is not a network in CIDR notation such as 10.0.0.0/8")
                .contains("PGWARDEN_STOP_TIMEOUT=soon: expected a duration such as 500ms, 10s, 2m or 1h")
                .contains("--health-port=-1: expected a port number from 1 to 65535 (0 picks a free port)");
    }

    @Test
    void aLockTimeoutOfZeroMeansTheSameForTheAgentsAsForMigrate() {
        for (String command : new String[] {"run", "sidecar"}) {
            String[] r = run(Map.of("MIGRATE_LOCK_TIMEOUT", "0", "HEALTH_PORT", "eighty"), command);
            assertThat(r[0]).as(command).isEqualTo("2");
            assertThat(r[1]).as(command).contains("HEALTH_PORT=eighty").doesNotContain("MIGRATE_LOCK_TIMEOUT");
            r = run(Map.of("MIGRATE_LOCK_TIMEOUT", "-1s"), command);
            assertThat(r[0]).as(command).isEqualTo("2");
            assertThat(r[1]).as(command).contains("MIGRATE_LOCK_TIMEOUT=-1s: ");
        }
    }

    @Test
    void runValidatesAddressesAndNetworksAsUpDoes() {
        String[] r = run(Map.of(), "run", "--listen", "300.1.1.1", "--allow", "10.0.0.0/33", "--max-restarts", "0");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("--listen=300.1.1.1: '300.1.1.1' is not an IP address")
                .contains("--allow=10.0.0.0/33: '10.0.0.0/33' is not a network in CIDR notation; use e.g. 10.0.0.0/8")
                .contains("--max-restarts=0: expected a whole number of at least 1");
    }

    @Test
    void helpNamesEnvironmentVariablesNextToFlags() {
        CommandLine cli = Main.commandLine(Map.of());
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("sidecar", "--help")).isZero();
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("Env: DATABASE_URL").contains("Env: HEALTH_PORT").contains("Env: MIGRATIONS_DIR")
                .contains("CONFIGMAP_PATH").contains("--wait-timeout")
                .contains("/primary (alias /read-write)").contains("Env: PGWARDEN_MONITOR_INTERVAL. Default: 10s.");
        out.getBuffer().setLength(0);
        assertThat(cli.execute("run", "--help")).isZero();
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("Env: PGDATA").contains("Env: HEALTH_PORT").contains("POSTGRES_MEMORY")
                .contains("--stop-timeout");
    }

    @Test
    void sidecarTakesThePasswordFileUpWrites(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("pgwarden.password"), "s3cret-from-up\n");
        SidecarCommand sidecar = new SidecarCommand();
        new picocli.CommandLine(sidecar).parseArgs("--database-url", "postgresql://postgres@127.0.0.1:5432/shop",
                "--password-file", file.toString());
        assertThat(sidecar.settings(io.pgwarden.config.ConfigSources.ofEnv(Map.of())).target().password())
                .isEqualTo("s3cret-from-up");
        SidecarCommand fromEnv = new SidecarCommand();
        new picocli.CommandLine(fromEnv).parseArgs("--database-url", "postgresql://postgres@127.0.0.1:5432/shop");
        assertThat(fromEnv.settings(io.pgwarden.config.ConfigSources.ofEnv(Map.of("PGWARDEN_PASSWORD_FILE", file.toString())))
                .target().password()).isEqualTo("s3cret-from-up");
    }
}
