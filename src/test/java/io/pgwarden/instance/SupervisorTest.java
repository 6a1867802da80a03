package io.pgwarden.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.testing.SteppingClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The supervision loop on a fake clock with scripted servers: no processes, no sleeping. */
class SupervisorTest {
    private final SteppingClock clock = new SteppingClock();
    private final List<Supervisor.Event> events = Collections.synchronizedList(new ArrayList<>());

    /** A server that exits with a scripted code after a scripted uptime, or when stopped. */
    private final class ScriptedServer implements ServerProcess {
        private final long pid;
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        private final Duration uptime;
        private final Integer code;
        final List<ShutdownMode> stops = new ArrayList<>();

        ScriptedServer(long pid, Integer code, Duration uptime) {
            this.pid = pid;
            this.code = code;
            this.uptime = uptime;
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public boolean isAlive() {
            return !exit.isDone();
        }

        @Override
        public int waitForExit() {
            if (code != null) {
                clock.advance(uptime);
                exit.complete(code);
            }
            return exit.join();
        }

        @Override
        public void escalate(ShutdownMode mode) {
            stops.add(mode);
        }

        @Override
        public ShutdownMode stop(Duration timeout) {
            stops.add(ShutdownMode.SMART);
            exit.complete(0);
            return ShutdownMode.SMART;
        }

        @Override
        public void reload() {
        }
    }

    /** Hands out the scripted servers in order; null entries are failed starts. */
    private final class ScriptedLauncher implements ServerLauncher {
        final Deque<ScriptedServer> script = new ArrayDeque<>();
        final AtomicInteger starts = new AtomicInteger();

        @Override
        public ServerProcess start() {
            starts.incrementAndGet();
            ScriptedServer next = script.isEmpty() ? null : script.removeFirst();
            if (next == null || next.pid < 0) {
                throw new PgWardenException(ErrorCode.POSTGRES_FAILED, "PostgreSQL exited (code 1) before accepting connections");
            }
            return next;
        }
    }

    private Supervisor supervisor(ScriptedLauncher launcher, RestartPolicy policy) {
        return new Supervisor(launcher, policy, clock, Duration.ofSeconds(10), events::add);
    }

    @Test
    void aCrashLoopGivesUpWithPostgresFailedAfterTheBackoffs() {
        ScriptedLauncher launcher = new ScriptedLauncher();
        for (int i = 1; i <= 10; i++) {
            launcher.script.add(new ScriptedServer(100 + i, 137, Duration.ofMillis(500)));
        }
        assertThatThrownBy(() -> supervisor(launcher, RestartPolicy.DEFAULT).run())
                .isInstanceOf(PgWardenException.class)
                .hasMessage("PostgreSQL (pid 106) exited with code 137 (signal 9): 6 crashes within 1m, more than the 5 restarts"
                        + " allowed; giving up."
                        + " Read the server log for the cause.")
                .extracting(e -> ((PgWardenException) e).code()).isEqualTo(ErrorCode.POSTGRES_FAILED);
        assertThat(ErrorCode.POSTGRES_FAILED.exitCode()).isEqualTo(9);
        assertThat(launcher.starts.get()).isEqualTo(6);
        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(16));
        assertThat(events).extracting(Supervisor.Event::kind).containsExactly(Supervisor.Event.Kind.STARTED,
                Supervisor.Event.Kind.CRASHED, Supervisor.Event.Kind.RESTARTED, Supervisor.Event.Kind.CRASHED,
                Supervisor.Event.Kind.RESTARTED, Supervisor.Event.Kind.CRASHED, Supervisor.Event.Kind.RESTARTED,
                Supervisor.Event.Kind.CRASHED, Supervisor.Event.Kind.RESTARTED, Supervisor.Event.Kind.CRASHED,
                Supervisor.Event.Kind.RESTARTED, Supervisor.Event.Kind.CRASHED);
    }

    @Test
    void rareCrashesAreRestartedForeverAndACleanExitEndsSupervision() throws Exception {
        ScriptedLauncher launcher = new ScriptedLauncher();
        for (int i = 1; i <= 8; i++) {
            launcher.script.add(new ScriptedServer(i, 134, Duration.ofMinutes(5)));
        }
        launcher.script.add(new ScriptedServer(9, 0, Duration.ofMinutes(5)));
        assertThat(supervisor(launcher, RestartPolicy.DEFAULT).run()).isEqualTo(Supervisor.Outcome.EXITED);
        assertThat(launcher.starts.get()).isEqualTo(9);
        assertThat(clock.sleeps()).hasSize(8).allMatch(d -> d.equals(Duration.ofSeconds(1)));
    }

    @Test
    void failedRestartsCountAsCrashes() {
        ScriptedLauncher launcher = new ScriptedLauncher();
        launcher.script.add(new ScriptedServer(1, 137, Duration.ofSeconds(1)));
        RestartPolicy three = RestartPolicy.DEFAULT.withLimits(3, Duration.ofMinutes(1));
        assertThatThrownBy(() -> supervisor(launcher, three).run())
                .hasMessage("PostgreSQL failed to start again: 4 crashes within 1m, more than the 3 restarts allowed; giving up."
                        + " Read the server log for the cause.");
        assertThat(launcher.starts.get()).isEqualTo(4);
    }

    @Test
    void theFirstStartFailureIsThrownAtOnce() {
        ScriptedLauncher launcher = new ScriptedLauncher();
        assertThatThrownBy(() -> supervisor(launcher, RestartPolicy.DEFAULT).run())
                .hasMessage("PostgreSQL exited (code 1) before accepting connections");
        assertThat(launcher.starts.get()).isEqualTo(1);
        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void requestStopStopsTheServerAndEndsRun() throws Exception {
        ScriptedLauncher launcher = new ScriptedLauncher();
        ScriptedServer server = new ScriptedServer(42, null, Duration.ZERO);
        launcher.script.add(server);
        Supervisor s = supervisor(launcher, RestartPolicy.DEFAULT);
        CompletableFuture<Supervisor.Outcome> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                return s.run();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> !events.isEmpty());
        assertThat(s.requestStop()).isEqualTo(ShutdownMode.SMART);
        assertThat(outcome.get()).isEqualTo(Supervisor.Outcome.STOPPED);
        assertThat(server.stops).containsExactly(ShutdownMode.SMART);
        assertThat(launcher.starts.get()).isEqualTo(1);
    }

    @Test
    void aCommandedStopIsNeitherACrashNorTheEndAndReleaseStartsTheServerAgain() throws Exception {
        ScriptedLauncher launcher = new ScriptedLauncher();
        ScriptedServer first = new ScriptedServer(201, null, Duration.ZERO);
        launcher.script.add(first);
        launcher.script.add(new ScriptedServer(202, null, Duration.ZERO));
        Supervisor s = supervisor(launcher, RestartPolicy.DEFAULT);
        CompletableFuture<Supervisor.Outcome> run = CompletableFuture.supplyAsync(() -> {
            try {
                return s.run();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> s.current() != null);

        assertThat(s.hold(ShutdownMode.IMMEDIATE)).isEqualTo(ShutdownMode.SMART);
        assertThat(first.stops).as("escalated at once, then stopped").containsExactly(ShutdownMode.IMMEDIATE,
                ShutdownMode.SMART);
        await().atMost(Duration.ofSeconds(30)).until(() -> s.current() == null);
        assertThat(s.isHeld()).isTrue();
        assertThat(run).as("supervision goes on while held").isNotDone();
        assertThat(launcher.starts.get()).isEqualTo(1);

        s.release();
        await().atMost(Duration.ofSeconds(30)).until(() -> s.current() != null && s.current().pid() == 202);
        assertThat(events).extracting(Supervisor.Event::kind).containsExactly(Supervisor.Event.Kind.STARTED,
                Supervisor.Event.Kind.RESTARTED);
        assertThat(events.get(1).reason()).isEqualTo("started again as commanded (pid 201 was stopped on command)");
        assertThat(clock.sleeps()).as("no crash backoff for a commanded stop").isEmpty();

        s.requestStop();
        assertThat(run.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(Supervisor.Outcome.STOPPED);
    }

    @Test
    void aStopWhileHeldEndsSupervisionWithoutStartingTheServerAgain() throws Exception {
        ScriptedLauncher launcher = new ScriptedLauncher();
        launcher.script.add(new ScriptedServer(301, null, Duration.ZERO));
        Supervisor s = supervisor(launcher, RestartPolicy.DEFAULT);
        CompletableFuture<Supervisor.Outcome> run = CompletableFuture.supplyAsync(() -> {
            try {
                return s.run();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> s.current() != null);
        s.hold(ShutdownMode.FAST);
        await().atMost(Duration.ofSeconds(30)).until(() -> s.current() == null);

        assertThat(s.requestStop()).as("nothing left to stop").isNull();
        assertThat(run.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(Supervisor.Outcome.STOPPED);
        assertThat(launcher.starts.get()).isEqualTo(1);
        assertThatThrownBy(() -> s.hold(ShutdownMode.FAST)).hasMessage("PostgreSQL is being stopped for good; it cannot be held");
    }
}
