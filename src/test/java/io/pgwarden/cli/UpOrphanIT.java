package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgwarden.instance.PostmasterPid;
import io.pgwarden.pg.Privileges;
import io.pgwarden.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of {@code pgwarden up} leaves its PostgreSQL running with nobody supervising it: the next {@code up}
 * on the directory stops that orphan and starts it supervised; an {@code up} next to a live pgwarden, or next to a
 * server pgwarden did not start, names the data directory's server first (not the port it holds), with a hint that
 * works as root.
 */
class UpOrphanIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String BIN = TestPostgres.DEBIAN_15.toString();

    @Test
    void anOrphanOfAKilledUpIsStoppedAndARunningServerIsNamedBeforeThePort() throws Exception {
        Path work = Files.createTempDirectory("pgwarden-orphan-it-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = work.resolve("data");
        String port = Integer.toString(TestPostgres.freePort());
        String[] args = {"--data-dir", data.toString(), "--port", port, "--pg-bin", BIN, "--memory", "1GB"};
        Process external = null;
        try {
            long orphan;
            long killedAgent;
            try (UpProcess first = UpProcess.start(work, work.resolve("first.err"), args)) {
                first.awaitLine("ready:");
                orphan = PostmasterPid.read(data).orElseThrow().pid();
                killedAgent = first.process.pid();
                first.process.destroyForcibly(); // SIGKILL: nothing stops the server
                first.process.waitFor();
            }
            assertThat(ProcessHandle.of(orphan)).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());

            try (UpProcess second = UpProcess.start(work, work.resolve("second.err"), args)) {
                second.awaitLine("ready:");
                assertThat(second.lines).contains("orphan: stopped PostgreSQL (pid " + orphan + ") left running by pgwarden"
                        + " (pid " + killedAgent + "), which is gone (fast shutdown); starting it again supervised");
                assertThat(ProcessHandle.of(orphan).filter(ProcessHandle::isAlive)).isEmpty();
                long supervised = PostmasterPid.read(data).orElseThrow().pid();

                // a third up while the second supervises the server: the directory is the cause, not the port
                CliRun third = CliRun.of(Map.of(), "up", "--data-dir", data.toString(), "--port", port, "--pg-bin", BIN);
                assertThat(third.exitCode()).isEqualTo(1);
                assertThat(third.err()).contains("Data directory " + data + " is in use by a running PostgreSQL (pid "
                        + supervised + "); stop it first (it is supervised by pgwarden, pid " + second.process.pid()
                        + ": Ctrl-C in its terminal, or kill -TERM " + second.process.pid() + "), or use another --data-dir.").doesNotContain("Port " + port);
                assertThat(second.terminate()).isZero();
            }

            // a server pgwarden did not start (by hand, no marker) is never stopped; the hint works as root
            List<String> postgres = Privileges.detect(null).asServerUser(List.of(Path.of(BIN, "postgres").toString(), "-D",
                    data.toString()));
            external = new ProcessBuilder(postgres).redirectErrorStream(true).redirectOutput(work.resolve("external.log").toFile())
                    .start();
            await().atMost(WAIT).until(() -> PostmasterPid.read(data).filter(PostmasterPid::acceptsConnections).isPresent());
            long byHand = PostmasterPid.read(data).orElseThrow().pid();
            CliRun refused = CliRun.of(Map.of(), "up", "--data-dir", data.toString(), "--port", port, "--pg-bin", BIN);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("Data directory " + data + " is in use by a running PostgreSQL (pid " + byHand
                    + "); stop it first (kill -INT " + byHand + ": a fast shutdown, as root or as its owner), or use another"
                    + " --data-dir.");
            assertThat(ProcessHandle.of(byHand).filter(ProcessHandle::isAlive)).isPresent();
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(byHand)).inheritIO().start();
            assertThat(kill.waitFor()).isZero();
            Process stopped = external;
            await().atMost(WAIT).until(() -> !stopped.isAlive());
        } finally {
            if (external != null) {
                external.destroy();
            }
            new io.pgwarden.instance.PostmasterStopper(new io.pgwarden.pg.SystemProcessRunner()).stop(data, Duration.ofSeconds(30));
            try (var paths = Files.walk(work)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
