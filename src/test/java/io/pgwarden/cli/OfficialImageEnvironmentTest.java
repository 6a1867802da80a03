package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.agent.RunSettings;
import io.pgwarden.config.ConfigSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The official PostgreSQL image's variables in {@code run}: POSTGRES_PASSWORD / POSTGRES_PASSWORD_FILE (first
 * initialisation only, never shown), POSTGRES_USER, POSTGRES_DB, PGDATA, and POSTGRES_SHARED_PRELOAD_LIBRARIES
 * checked against the libraries an image ships (PGWARDEN_AVAILABLE_LIBRARIES).
 */
class OfficialImageEnvironmentTest {
    private static final String SECRET = "c0rrect-h0rse-battery";

    @TempDir
    Path tmp;

    private RunSettings settings(Map<String, String> env, String... args) {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs(args);
        return run.server.settings(ConfigSources.ofEnv(env), ServerOptions.Defaults.CONTAINER).settings();
    }

    @Test
    void passwordFileUserDatabaseAndPgdataShapeTheFirstInitialisation() throws Exception {
        Path secret = Files.writeString(tmp.resolve("pw"), SECRET + "\nignored second line\n");
        RunSettings s = settings(Map.of("POSTGRES_PASSWORD_FILE", secret.toString(), "POSTGRES_USER", "app",
                "POSTGRES_DB", "appdb", "PGDATA", tmp.resolve("pgdata").toString()));
        assertThat(s.instance().initialPassword().value()).isEqualTo(SECRET);
        assertThat(s.instance().initialPassword().origin()).isEqualTo("POSTGRES_PASSWORD_FILE=" + secret);
        assertThat(s.instance().superuser()).isEqualTo("app");
        assertThat(s.database()).isEqualTo("appdb");
        assertThat(s.instance().dataDir()).isEqualTo(tmp.resolve("pgdata"));
        // the password file pgwarden keeps stays in the data directory (the agent and healthcheck read it)
        assertThat(s.instance().passwordFile()).isEqualTo(tmp.resolve("pgdata/pgwarden.password"));
        assertThat(s.toString()).doesNotContain(SECRET).contains("InitialPassword[from POSTGRES_PASSWORD_FILE=" + secret + "]");
    }

    @Test
    void postgresPasswordGivesThePasswordDirectlyAndWithoutItOneIsGenerated() {
        RunSettings s = settings(Map.of("POSTGRES_PASSWORD", SECRET), "--data-dir", tmp.resolve("d").toString());
        assertThat(s.instance().initialPassword().value()).isEqualTo(SECRET);
        assertThat(s.instance().initialPassword().origin()).isEqualTo("POSTGRES_PASSWORD");
        assertThat(s.instance().toString()).doesNotContain(SECRET);

        RunSettings generated = settings(Map.of(), "--data-dir", tmp.resolve("d").toString());
        assertThat(generated.instance().initialPassword()).isNull();
        assertThat(generated.instance().superuser()).isEqualTo("postgres");
    }

    @Test
    void theFlagsMatchTheVariables() throws Exception {
        Path secret = Files.writeString(tmp.resolve("pw"), SECRET);
        RunSettings s = settings(Map.of("POSTGRES_USER", "ignored"), "--superuser", "owner", "--initial-password-file",
                secret.toString(), "--data-dir", tmp.resolve("d").toString());
        assertThat(s.instance().superuser()).isEqualTo("owner");
        assertThat(s.instance().initialPassword().value()).isEqualTo(SECRET);
    }

    @Test
    void badValuesAreAllReportedWithoutThePasswordAndNothingIsCreated() throws Exception {
        Path data = tmp.resolve("data");
        Path secret = Files.writeString(tmp.resolve("pw"), SECRET);
        CliRun r = CliRun.of(Map.of("POSTGRES_PASSWORD", SECRET, "POSTGRES_PASSWORD_FILE", secret.toString(),
                "POSTGRES_USER", "u".repeat(64), "POSTGRES_MEMORY", "abc"), "run", "--data-dir", data.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains(
                "POSTGRES_USER=" + "u".repeat(64) + ": a name can have at most 63 bytes (PostgreSQL's NAMEDATALEN)",
                "POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are both set: give the password one way only",
                "POSTGRES_MEMORY=abc: expected megabytes (e.g. 2048) or a size with a unit (e.g. 1536MB, 2GB)")
                .doesNotContain(SECRET);
        assertThat(data).doesNotExist();
    }

    @Test
    void aMissingOrEmptyPasswordFileIsNamed() throws Exception {
        Path missing = tmp.resolve("nope");
        CliRun r = CliRun.of(Map.of("POSTGRES_PASSWORD_FILE", missing.toString()), "run", "--data-dir",
                tmp.resolve("d").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: POSTGRES_PASSWORD_FILE=" + missing + ": no such file; check the path\n");

        Path empty = Files.writeString(tmp.resolve("empty"), "\n");
        r = CliRun.of(Map.of("POSTGRES_PASSWORD_FILE", empty.toString()), "run", "--data-dir", tmp.resolve("d").toString());
        assertThat(r.err()).isEqualTo("error: POSTGRES_PASSWORD_FILE=" + empty
                + ": the file's first line is empty; write the password on it\n");
        assertThat(tmp.resolve("d")).doesNotExist();
    }

    @Test
    void aPreloadLibraryTheImageDoesNotShipIsAnErrorNamingIt() {
        Map<String, String> image = Map.of("PGWARDEN_AVAILABLE_LIBRARIES", "pg_stat_statements,auto_explain,pg_cron",
                "POSTGRES_SHARED_PRELOAD_LIBRARIES", "pg_cron,citus,pg_stat_statements,pg_squeeze");
        CliRun r = CliRun.of(image, "run", "--data-dir", tmp.resolve("d").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: POSTGRES_SHARED_PRELOAD_LIBRARIES=pg_cron,citus,pg_stat_statements,pg_squeeze:"
                + " citus, pg_squeeze are not in this image; available (PGWARDEN_AVAILABLE_LIBRARIES):"
                + " pg_stat_statements,auto_explain,pg_cron\n");

        RunSettings ok = settings(Map.of("PGWARDEN_AVAILABLE_LIBRARIES", "pg_stat_statements,auto_explain,pg_cron",
                "POSTGRES_SHARED_PRELOAD_LIBRARIES", "auto_explain"), "--data-dir", tmp.resolve("d").toString());
        assertThat(ok.tuning().preloadLibraries()).containsExactly("auto_explain");
        // outside an image nothing says what is installed: any name goes on to PostgreSQL
        RunSettings anywhere = settings(Map.of("POSTGRES_SHARED_PRELOAD_LIBRARIES", "citus"), "--data-dir",
                tmp.resolve("d").toString());
        assertThat(anywhere.tuning().preloadLibraries()).containsExactly("citus");
    }
}
