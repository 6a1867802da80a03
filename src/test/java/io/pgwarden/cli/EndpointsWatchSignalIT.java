package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * {@code pgwarden endpoints watch} as a real child JVM stopped by a signal, the way Kubernetes stops a pod: it must
 * exit 0 (143/130 would mark the container failed).
 */
class EndpointsWatchSignalIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private Process start(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.pgwarden.cli.Main", "endpoints", "watch"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectError(dir.resolve("stderr.log").toFile()).start();
    }

    private String stderr() throws Exception {
        return Files.readString(dir.resolve("stderr.log"));
    }

    private int awaitExit(Process child) throws Exception {
        assertThat(child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("exited after the signal").isTrue();
        return child.exitValue();
    }

    @Test
    void sigtermAfterTheFirstPublishExits0() throws Exception {
        TestPostgres pg = TestPostgres.shared();
        Path file = dir.resolve("topology.json");
        // an hour between cycles: the signal arrives while the loop waits, so exactly one cycle runs
        Path ini = Files.writeString(dir.resolve("pgbouncer.ini"), "[databases]\napp = host=10.9.9.9 port=5432\n");
        int deadConsole = TestPostgres.freePort();
        // a PgBouncer whose console is down: the failed publisher must not keep watch from stopping cleanly
        Process child = start("--interval", "1h", "--nodes", "127.0.0.1:" + pg.port(), "--user", "postgres",
                "--file", file.toString(), "--pgbouncer-ini", ini.toString(),
                "--pgbouncer-admin-url", "postgresql://pgbouncer@127.0.0.1:" + deadConsole + "/pgbouncer");
        try {
            await().atMost(WAIT).until(() -> stderr().contains("endpoints watch: changed: ") || !child.isAlive());
            assertThat(child.isAlive()).as("still running after the first cycle; stderr: %s", stderr()).isTrue();

            child.destroy(); // SIGTERM

            assertThat(awaitExit(child)).as(stderr()).isZero();
            assertThat(stderr()).contains("received SIGTERM; stopping endpoints watch after the current cycle",
                    "endpoints watch stopped after 1 cycles");
            assertThat(Files.readString(file)).contains("\"primary\" : \"127.0.0.1:" + pg.port() + "\"");
            // watch retries failed publishers: it says so (reconcile, one-shot, does not)
            assertThat(stderr()).containsPattern("WARN .*endpoints watch: changed: primary 127\\.0\\.0\\.1:" + pg.port()
                    + " .*; check --pgbouncer-admin-url and that the user is in admin_users \\(the next cycle retries\\)");
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void sigintExits0() throws Exception {
        int dead = TestPostgres.freePort();
        Process child = start("--interval", "1h", "--nodes", "127.0.0.1:" + dead, "--connect-timeout", "2s",
                "--file", dir.resolve("topology.json").toString());
        try {
            await().atMost(WAIT).until(() -> stderr().contains("endpoints watch: no primary") || !child.isAlive());
            assertThat(child.isAlive()).as("still running after the first cycle; stderr: %s", stderr()).isTrue();

            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).inheritIO().start();
            assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(kill.exitValue()).isZero();

            assertThat(awaitExit(child)).as(stderr()).isZero();
            assertThat(stderr()).contains("received SIGINT; stopping endpoints watch after the current cycle",
                    "endpoints watch stopped after 1 cycles");
        } finally {
            child.destroyForcibly();
        }
    }
}
