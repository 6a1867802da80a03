package io.pgwarden.topology;

import io.pgwarden.core.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ReconcileCommand} every {@code interval}, one snapshot per cycle. Everything a cycle throws is
 * caught here, logged and counted; the loop goes on. The decision's reason is logged at INFO when it changes
 * (ERROR for split brain) and at DEBUG otherwise. Between full comparisons the loop only calls publishers when the
 * decision changed; every {@link #RESYNC} it makes them compare anyway, to repair drift made by someone else.
 */
public final class WatchLoop implements Runnable, TopologyStatus {
    /** Drift made outside pgwarden (a manual kubectl edit) is repaired within 30 s without API calls every cycle. */
    static final Duration RESYNC = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(WatchLoop.class);

    private final ReconcileCommand command;
    private final Duration interval;
    private final Clock clock;

    private final Object waitLock = new Object();
    private volatile boolean running = true;
    private boolean waiting; // guarded by waitLock: true while run() sleeps between cycles
    private volatile Thread thread;
    private volatile ReconcileResult lastResult;
    private volatile Instant lastCycleAt;
    private volatile long cycles;
    private volatile long failedCycles;
    private volatile String lastError;
    private volatile Runnable afterCycle = () -> { };

    private DesiredEndpoints lastPublished;
    private long lastFullCompare;
    private String lastReason;

    public WatchLoop(ReconcileCommand command, Duration interval, Clock clock) {
        this.command = command;
        this.interval = Objects.requireNonNull(interval, "interval");
        this.clock = clock;
    }

    /** Runs cycles on the calling thread until {@link #stop()} or an interrupt. */
    @Override
    public void run() {
        thread = Thread.currentThread();
        while (running && !Thread.currentThread().isInterrupted()) {
            long start = clock.nanoTime();
            runCycle(start);
            Duration rest = interval.minusNanos(clock.nanoTime() - start);
            if (rest.isNegative() || rest.isZero()) {
                continue;
            }
            synchronized (waitLock) {
                if (!running) {
                    break;
                }
                waiting = true;
            }
            try {
                clock.sleep(rest);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                synchronized (waitLock) {
                    waiting = false;
                }
            }
        }
        log.info("endpoints watch stopped after {} cycles", cycles);
    }

    /** Runs one cycle; public so tests and the agent can drive the loop step by step. */
    public void runCycle(long nowNanos) {
        try {
            boolean compareAll = lastPublished == null || nowNanos - lastFullCompare >= RESYNC.toNanos();
            ReconcileResult result = command.execute(compareAll ? null : lastPublished);
            if (compareAll) {
                lastFullCompare = nowNanos;
            }
            TopologyDecision d = result.decision();
            switch (d.outcome()) {
                case PUBLISH, UNCHANGED -> lastPublished = result.publisherFailed() ? null : d.endpoints();
                case SPLIT_BRAIN -> lastPublished = null; // publish (and clear the marker) once it is over
                default -> { /* NO_PRIMARY: keep the last good endpoints */ }
            }
            logResult(result);
            lastResult = result;
        } catch (Exception e) {
            failedCycles++;
            lastError = e.getClass().getSimpleName() + ": " + io.pgwarden.core.Secrets.mask(String.valueOf(e.getMessage()));
            log.error("endpoints watch: cycle failed: {}", lastError, e);
            lastResult = null;
        } finally {
            cycles++;
            lastCycleAt = clock.now();
            afterCycle.run();
        }
    }

    private void logResult(ReconcileResult result) {
        // the summary holds the reason and any publisher failure: a repeated, identical one is logged at DEBUG
        String summary = result.summary().replaceFirst("^(changed|unchanged|publish failed): ", "");
        boolean changedReason = !summary.equals(lastReason) || result.changed();
        lastReason = summary;
        if (!changedReason) {
            log.debug("endpoints watch: {}", result.summary());
        } else if (result.decision().outcome() == TopologyOutcome.SPLIT_BRAIN) {
            log.error("endpoints watch: {}", result.summary());
        } else if (result.publisherFailed()) {
            log.warn("endpoints watch: {} (the next cycle retries)", result.summary());
        } else if (result.decision().outcome() == TopologyOutcome.NO_PRIMARY) {
            log.warn("endpoints watch: {}", result.summary());
        } else {
            log.info("endpoints watch: {}", result.summary());
        }
    }

    /** Runs {@code hook} on the loop's thread after every cycle, failed or not (the agent beats its liveness here). */
    public void afterEachCycle(Runnable hook) {
        this.afterCycle = Objects.requireNonNull(hook, "hook");
    }

    /**
     * Ends {@link #run()}: at once when it is waiting for the next cycle, otherwise when the current cycle has
     * finished. A running cycle is not interrupted, so it never publishes a snapshot whose probes were cut short
     * (they would show healthy nodes as down); a cycle is bounded by the probe and publisher timeouts.
     */
    public void stop() {
        synchronized (waitLock) {
            running = false;
            Thread t = thread;
            if (waiting && t != null && t != Thread.currentThread()) {
                t.interrupt();
            }
        }
    }

    @Override
    public Optional<ReconcileResult> lastResult() {
        return Optional.ofNullable(lastResult);
    }

    @Override
    public Instant lastCycleAt() {
        return lastCycleAt;
    }

    @Override
    public long cycles() {
        return cycles;
    }

    @Override
    public long failedCycles() {
        return failedCycles;
    }

    @Override
    public String lastError() {
        return lastError;
    }
}
