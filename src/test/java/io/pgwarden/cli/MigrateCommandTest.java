package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI rejects bad input before connecting anywhere (the URL points at a closed port). */
class MigrateCommandTest {
    @TempDir
    Path dir;

    private String[] run(Map<String, String> env, String... args) {
        CommandLine cli = Main.commandLine(env);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void badNamesAndDuplicateVersionsExitWithInvalidInputNamingTheFiles() throws Exception {
        Files.writeString(dir.resolve("V1__a.sql"), "SELECT 1;");
        Files.writeString(dir.resolve("V1.0__b.sql"), "SELECT 1;");
        Files.writeString(dir.resolve("users.sql"), "SELECT 1;");
        String[] r = run(Map.of("DATABASE_URL", "postgresql://app@127.0.0.1:1/shop", "MIGRATIONS_DIR", dir.toString()),
                "migrate", "apply");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("error: Migrations in " + dir + " cannot be used (2 problems); nothing was applied:")
                .contains("users.sql: not a migration file name; use V<version>__<description>.sql")
                .contains("chain (root): V1.0__b.sql and V1__a.sql both have version 1; give one of them another version.");
    }

    @Test
    void anUnreachableServerIsReportedWhenTheFilesAreUsable() throws Exception {
        Files.writeString(dir.resolve("V1__a.sql"), "SELECT 1;");
        String[] r = run(Map.of("MIGRATIONS_DIR", dir.toString()), "migrate", "apply", "--url",
                "postgresql://app@127.0.0.1:1/shop");
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).startsWith("error: Cannot connect to postgresql://app@127.0.0.1:1/shop: Connection to 127.0.0.1:1"
                + " refused.").endsWith(" Check that the server runs and the address, user and password are right."
                + System.lineSeparator());
    }

    @Test
    void invalidSettingsAreReportedTogetherWithTheirOrigin() {
        String[] r = run(Map.of("CONFIGMAP_PATH", dir.toString(), "MIGRATE_LOCK_TIMEOUT", "soon"),
                "migrate", "apply", "--url", "mysql://x");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("--url=mysql://x: expected a URL such as postgresql://user@host:5432/dbname")
                .contains("MIGRATE_LOCK_TIMEOUT=soon: expected a duration such as 500ms, 10s, 2m or 1h");
    }

    @Test
    void helpNamesEnvironmentVariablesAndExitCodes() {
        String[] r = run(Map.of(), "migrate", "apply", "--help");
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("DATABASE_URL").contains("MIGRATIONS_DIR").contains("CONFIGMAP_PATH")
                .contains("Exit codes:").contains("a migration failed").contains("timed out waiting for the migration lock");
    }

    @Test
    void baselineHelpHasTheStandardOptionsAndTheBaselineVersionOption() {
        String[] r = run(Map.of(), "migrate", "baseline", "--help");
        assertThat(r[2]).isEmpty();
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("--baseline-version=VERSION", "-h, --help", "-V, --version", "--all-groups",
                "pgwarden migrate baseline --baseline-version 12 --dir ./migrations");
        String[] v = run(Map.of(), "migrate", "baseline", "--version");
        assertThat(v[0]).isEqualTo("0");
        assertThat(v[1]).startsWith("pgwarden ");
    }

    @Test
    void baselineRejectsGroupTogetherWithAllGroupsBeforeConnecting() {
        String[] r = run(Map.of("DATABASE_URL", "postgresql://app@127.0.0.1:1/shop", "MIGRATIONS_DIR", dir.toString()),
                "migrate", "baseline", "--baseline-version", "1", "--group", "gcp", "--all-groups");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).startsWith("error: --group=gcp and --all-groups exclude each other; give one of them (or neither,"
                + " for the root chain).");
    }

    @Test
    void onlyTheSubcommandsThatTakeTheLockOfferLockTimeout() {
        for (String sub : new String[] {"apply", "repair", "baseline", "watch"}) {
            assertThat(run(Map.of(), "migrate", sub, "--help")[1]).as(sub).contains("--lock-timeout=DURATION", "MIGRATE_LOCK_TIMEOUT");
        }
        for (String sub : new String[] {"info", "validate", "plan"}) {
            assertThat(run(Map.of(), "migrate", sub, "--help")[1]).as(sub).doesNotContain("lock-timeout", "MIGRATE_LOCK_TIMEOUT");
            String[] r = run(Map.of(), "migrate", sub, "--lock-timeout=1s");
            assertThat(r[0]).as(sub).isEqualTo("2");
            assertThat(r[2]).as(sub).isEqualTo("error: Unknown option: '--lock-timeout=1s'" + System.lineSeparator()
                    + "See 'pgwarden migrate " + sub + " --help' for options and examples." + System.lineSeparator());
        }
    }

    @Test
    void theSubcommandListShowsACompleteSentenceForEach() {
        String[] r = run(Map.of(), "migrate", "--help");
        assertThat(r[0]).isEqualTo("0");
        String n = System.lineSeparator();
        assertThat(r[1]).contains("Commands:" + n
                + "  apply     Applies pending migrations." + n
                + "  info      Lists every migration with its state. Read-only." + n
                + "  validate  Checks the migration history against the files. Read-only." + n
                + "  repair    Repairs the history so apply can run again." + n
                + "  baseline  Marks an existing database as migrated up to --baseline-version." + n
                + "  plan      Shows what apply would run, in order. Touches nothing." + n
                + "  watch     Applies migrations now and whenever the directory changes." + n);
    }

    @Test
    void badPlaceholdersAndFlywayTableAreReportedNamingTheirSource() {
        String[] r = run(Map.of("CONFIGMAP_PATH", dir.toString(), "MIGRATE_FLYWAY_TABLE", "t".repeat(64)),
                "migrate", "validate", "--url", "postgresql://app@127.0.0.1:1/shop", "--placeholder", "novalue",
                "--placeholder", "flyway:user=me", "--placeholder", "ok=fine");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("--placeholder=novalue: expected NAME=VALUE with a NAME that is not empty")
                .contains("--placeholder=flyway:user=me: expected NAME=VALUE").contains("MIGRATE_FLYWAY_TABLE=" + "t".repeat(64) + ": a name can have at most 63 bytes");
        String[] env = run(Map.of("CONFIGMAP_PATH", dir.toString(), "MIGRATE_PLACEHOLDERS", "a=1,=2"),
                "migrate", "validate", "--url", "postgresql://app@127.0.0.1:1/shop");
        assertThat(env[0]).isEqualTo("2");
        assertThat(env[2]).contains("MIGRATE_PLACEHOLDERS==2: expected NAME=VALUE");
    }
}
