package io.pgwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgwarden.core.Wakeup;
import io.pgwarden.health.LoopHeartbeat;
import io.pgwarden.health.LoopRegistry;
import io.pgwarden.health.LoopStatus;
import io.pgwarden.testing.SteppingClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** The one loop runner on the test clock: every wait is the clock's, so nothing here waits for real. */
class LoopRunnerTest {
    private final SteppingClock clock = new SteppingClock();
    private final LoopRegistry registry = new LoopRegistry(clock, new SimpleMeterRegistry());
    private final StopSignal stop = StopSignal.manual();

    /** A loop that plays a script of cycles and requests the stop when the script is over. */
    private final class Scripted implements AgentLoop {
        final Deque<Callable<CycleResult>> script = new ArrayDeque<>();
        final List<Long> cycleStarts = new ArrayList<>();
        final Wakeup wakeup = new Wakeup();
        Duration interval = Duration.ofSeconds(5);
        boolean stopped;

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public Duration maxSilence() {
            return Duration.ofSeconds(60);
        }

        @Override
        public Duration interval() {
            return interval;
        }

        @Override
        public Wakeup wakeup() {
            return wakeup;
        }

        @Override
        public CycleResult cycle() throws Exception {
            cycleStarts.add(clock.nanoTime());
            Callable<CycleResult> next = script.poll();
            if (script.isEmpty()) {
                stop.request("end of script");
            }
            return next == null ? CycleResult.of("idle") : next.call();
        }

        @Override
        public void stopped() {
            stopped = true;
        }
    }

    /** A failure the loop caught itself and reports (as the endpoints watch does). */
    private record CaughtFailure(String reason) implements CycleResult {
        @Override
        public boolean failed() {
            return true;
        }
    }

    private LoopHeartbeat run(Scripted loop) {
        LoopHeartbeat beat = registry.register(loop.name(), loop.maxSilence());
        new LoopRunner(loop, beat, clock, stop).run();
        return beat;
    }

    @Test
    void waitsTheIntervalOnTheClockBeatingEveryTenSecondsAndShowsTheReasonSinceItChanged() {
        Scripted loop = new Scripted();
        loop.interval = Duration.ofSeconds(25);
        loop.script.add(() -> CycleResult.of("all good"));
        loop.script.add(() -> CycleResult.of("all good"));
        loop.script.add(() -> CycleResult.of("something else"));

        LoopHeartbeat beat = run(loop);

        // 25 s between cycles, waited in slices of at most LoopRunner.IDLE_BEAT so liveness stays green
        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5));
        LoopStatus status = beat.status();
        assertThat(status.reason()).isEqualTo("something else");
        assertThat(status.reasonSince()).isEqualTo(java.time.Instant.parse("2026-01-01T00:00:50Z"));
        assertThat(status.alive()).isTrue();
        assertThat(loop.stopped).as("stopped() ran after the last cycle").isTrue();
    }

    @Test
    void anUnchangedReasonKeepsTheTimeItFirstAppeared() {
        Scripted loop = new Scripted();
        loop.script.add(() -> CycleResult.of("steady"));
        loop.script.add(() -> CycleResult.of("steady"));
        loop.script.add(() -> CycleResult.of("steady"));

        LoopHeartbeat beat = run(loop);

        assertThat(beat.status().reason()).isEqualTo("steady");
        assertThat(beat.status().reasonSince()).isEqualTo(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(loop.cycleStarts).hasSize(3);
    }

    @Test
    void whateverACycleThrowsIsCountedAndTheLoopGoesOn() {
        Scripted loop = new Scripted();
        loop.script.add(() -> {
            throw new IllegalStateException("boom");
        });
        loop.script.add(() -> {
            throw new AssertionError("an Error, not an Exception");
        });
        loop.script.add(() -> new CaughtFailure("failed, caught by the loop itself"));
        loop.script.add(() -> CycleResult.of("recovered"));

        LoopHeartbeat beat = run(loop);

        assertThat(loop.cycleStarts).hasSize(4);
        assertThat(beat.status().errors()).as("two thrown, one reported as failed").isEqualTo(3);
        assertThat(beat.status().reason()).isEqualTo("recovered");
    }

    @Test
    void aResultsNextDelayReplacesTheIntervalAndAWakeupEndsTheWaitEarly() {
        Scripted loop = new Scripted();
        loop.interval = Duration.ofHours(1);
        loop.script.add(() -> new CycleResult.Reason("soon", CycleResult.Level.INFO, Duration.ofSeconds(3)));
        loop.script.add(() -> {
            loop.wakeup.wake(); // a trigger during the cycle: the next one runs without waiting the hour
            return CycleResult.of("triggered");
        });
        loop.script.add(() -> CycleResult.of("last"));

        run(loop);

        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(3));
        assertThat(loop.cycleStarts).containsExactly(1_000_000_000L, 4_000_000_000L, 4_000_000_000L);
    }

    @Test
    void aStopRequestedBeforeTheFirstCycleRunsNoneButStillCallsStopped() {
        Scripted loop = new Scripted();
        stop.request("test");

        run(loop);

        assertThat(loop.cycleStarts).isEmpty();
        assertThat(loop.stopped).isTrue();
    }

    @Test
    void secretsInAReasonAreMaskedBeforeHealthShowsThem() {
        Scripted loop = new Scripted();
        loop.script.add(() -> CycleResult.of("cannot reach postgresql://app:s3cret@db/shop"));

        LoopHeartbeat beat = run(loop);

        assertThat(beat.status().reason()).doesNotContain("s3cret").contains("db/shop");
    }
}
