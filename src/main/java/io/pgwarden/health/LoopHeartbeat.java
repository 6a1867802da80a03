package io.pgwarden.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.pgwarden.core.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heartbeat of one long-running agent loop. A loop runs each cycle through {@link #runCycle},
 * which times it, counts a failure instead of letting it end the loop, and beats when the cycle
 * ends. A loop that blocks (a hung query, a deadlock) stops beating; after {@code maxSilence}
 * liveness reports it stuck so the orchestrator restarts the agent.
 */
public final class LoopHeartbeat {
    private static final Logger log = LoggerFactory.getLogger(LoopHeartbeat.class);

    /** One cycle of a loop; may throw anything, which is counted and logged. */
    @FunctionalInterface
    public interface Cycle {
        void run() throws Exception;
    }

    private final String name;
    private final Duration maxSilence;
    private final Clock clock;
    private final Timer duration;
    private final Counter errors;
    private final AtomicLong lastBeatNanos;
    /** The last cycle's reason and when it changed, published together. */
    private volatile Reason reason;

    private record Reason(String text, java.time.Instant since) {
    }

    LoopHeartbeat(String name, Duration maxSilence, Clock clock, Timer duration, Counter errors) {
        this.name = name;
        this.maxSilence = maxSilence;
        this.clock = clock;
        this.duration = duration;
        this.errors = errors;
        this.lastBeatNanos = new AtomicLong(clock.nanoTime());
    }

    public String name() {
        return name;
    }

    /** Marks the loop alive now; for loops that wait a long time between cycles. */
    public void beat() {
        lastBeatNanos.set(clock.nanoTime());
    }

    /**
     * Runs one cycle: times it into {@code pgwarden_loop_duration_seconds}, counts an exception into
     * {@code pgwarden_loop_errors_total} and logs it, then beats.
     *
     * @return true when the cycle completed without an exception; false when it failed or was interrupted
     *         (the thread's interrupt flag is then set again)
     */
    public boolean runCycle(Cycle cycle) {
        long start = clock.nanoTime();
        try {
            cycle.run();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            errors.increment();
            log.warn("loop {}: cycle failed: {}", name, e.getMessage() == null ? e.toString() : e.getMessage());
            log.debug("loop {}: cycle failure", name, e);
            return false;
        } finally {
            long end = clock.nanoTime();
            duration.record(end - start, TimeUnit.NANOSECONDS);
            lastBeatNanos.set(end);
        }
    }

    /**
     * Records the reason the last cycle gave, shown on /health; {@code since} only moves when the text changes.
     *
     * @return true when the reason differs from the previous one (the caller logs it at INFO then)
     */
    public boolean reason(String text) {
        Reason last = reason;
        if (last != null && last.text().equals(text)) {
            return false;
        }
        reason = new Reason(text, clock.now());
        return true;
    }

    /** Counts a failure that happened outside {@link #runCycle} (e.g. in the loop's own wait). */
    public void recordError() {
        errors.increment();
    }

    /** This loop as liveness sees it now. */
    public LoopStatus status() {
        Duration since = Duration.ofNanos(Math.max(0, clock.nanoTime() - lastBeatNanos.get()));
        Reason r = reason;
        return new LoopStatus(name, since.compareTo(maxSilence) <= 0, since, maxSilence, (long) errors.count(),
                r == null ? null : r.text(), r == null ? null : r.since());
    }
}
