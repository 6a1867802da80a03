package io.pgwarden.migrate;

import static io.pgwarden.migrate.MigrateFixture.cli;
import static io.pgwarden.migrate.MigrateFixture.column;
import static io.pgwarden.migrate.MigrateFixture.url;
import static io.pgwarden.migrate.MigrateFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner killed with SIGKILL in the middle of a long migration leaves no half-applied file and no lock:
 * the next run applies the file again, without any manual unlock or repair.
 */
class MigrateKillIT {
    @TempDir
    Path dir;

    @Test
    void killNineInTheMiddleOfALongMigrationThenACleanRerun() throws Exception {
        TestPostgres pg = TestPostgres.shared();
        ConnectionSpec spec = pg.createDatabase("killed");
        // The sleep length lives in a table the test controls, so the re-run executes the very same file quickly.
        MigrateFixture.execute(spec, "CREATE TABLE sleep_config (seconds float); INSERT INTO sleep_config VALUES (120);");
        write(dir, "V1__first.sql", "CREATE TABLE first (id int);\n");
        write(dir, "V2__slow.sql", "CREATE TABLE half_done (id int);\nINSERT INTO half_done VALUES (1);\n"
                + "SELECT pg_sleep(seconds) FROM sleep_config;\n");
        write(dir, "V3__last.sql", "CREATE TABLE last (id int);\n");

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.pgwarden.cli.Main",
                "migrate", "apply", "--url", url(spec), "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> !column(spec,
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                            + " AND application_name = 'pgwarden migrate' AND query LIKE 'SELECT pg_sleep%'").isEmpty());
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).isEqualTo(137);
        assertThat(column(spec, "SELECT script FROM pgwarden_schema_history ORDER BY installed_rank"))
                .containsExactly("V1__first.sql");

        MigrateFixture.execute(spec, "UPDATE sleep_config SET seconds = 0");
        var rerun = cli("migrate", "apply", "--lock-timeout", "60s", "--url", url(spec), "--dir", dir.toString());

        assertThat(rerun.exitCode()).as(rerun.err()).isZero();
        assertThat(rerun.out()).contains("Applied 2 migrations, 0 failed, 1 already applied.");
        assertThat(column(spec, "SELECT script || ':' || success FROM pgwarden_schema_history ORDER BY installed_rank"))
                .containsExactly("V1__first.sql:true", "V2__slow.sql:true", "V3__last.sql:true");
        assertThat(column(spec, "SELECT count(*) FROM half_done")).isEqualTo(List.of("1"));
    }
}
