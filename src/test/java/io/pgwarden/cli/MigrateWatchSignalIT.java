package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pgwarden migrate watch} as a real child JVM stopped by a signal, the way Kubernetes stops a pod: it must
 * exit 0 after its first apply (143/130 would mark the container failed).
 */
class MigrateWatchSignalIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private Process start(ConnectionSpec spec) throws Exception {
        Path migrations = Files.createDirectory(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("V1__items.sql"), "CREATE TABLE items (id int);\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.pgwarden.cli.Main", "migrate", "watch",
                "--url", "postgresql://" + spec.user() + "@" + spec.host() + ":" + spec.port() + "/" + spec.database(),
                "--dir", migrations.toString()));
        return new ProcessBuilder(command).redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectError(dir.resolve("stderr.log").toFile()).start();
    }

    private String stdout() throws Exception {
        return Files.readString(dir.resolve("stdout.log"));
    }

    private String stderr() throws Exception {
        return Files.readString(dir.resolve("stderr.log"));
    }

    private void awaitFirstApply(Process child) throws Exception {
        await().atMost(WAIT).until(() -> stdout().contains("Applied 1 migration, 0 failed, 0 already applied.")
                || !child.isAlive());
        assertThat(child.isAlive()).as("still running after the first apply; stderr: %s", stderr()).isTrue();
        assertThat(stdout()).contains("applied V1__items.sql (");
    }

    private int awaitExit(Process child) throws Exception {
        assertThat(child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("exited after the signal").isTrue();
        return child.exitValue();
    }

    @Test
    void sigtermAfterTheFirstApplyExits0() throws Exception {
        Process child = start(TestPostgres.shared().createDatabase("watch_term"));
        try {
            awaitFirstApply(child);
            assertThat(stderr()).containsPattern("1 file read in \\d+ ms, .* 1 file run in \\d+ ms");

            Files.writeString(dir.resolve("migrations/V2__bad.sql"), "SELECT * FROM no_such_table;\n");
            String failure = "error: Migration V2__bad.sql failed at line 1 (SQLSTATE 42P01: relation \"no_such_table\" does"
                    + " not exist); its transaction was rolled back, so nothing of it stayed applied; later migrations of"
                    + " chain (root) were not applied. Fix the file: watch applies it again as soon as it changes.";
            await().atMost(WAIT).until(() -> stderr().contains(failure) || !child.isAlive());
            assertThat(stderr().split(java.util.regex.Pattern.quote("V2__bad.sql failed"), -1)).as(stderr()).hasSize(2);
            assertThat(stderr()).doesNotContain("repair");

            child.destroy(); // SIGTERM

            assertThat(awaitExit(child)).as(stderr()).isZero();
            assertThat(stderr()).contains("received SIGTERM; stopping migrate watch after the current apply",
                    "migrate watch stopped after 2 apply runs");
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void sigintAfterTheFirstApplyExits0() throws Exception {
        Process child = start(TestPostgres.shared().createDatabase("watch_int"));
        try {
            awaitFirstApply(child);

            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).inheritIO().start();
            assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(kill.exitValue()).isZero();

            assertThat(awaitExit(child)).as(stderr()).isZero();
            assertThat(stderr()).contains("received SIGINT; stopping migrate watch after the current apply",
                    "migrate watch stopped after 1 apply runs");
        } finally {
            child.destroyForcibly();
        }
    }
}
