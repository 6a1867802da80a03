package io.pgwarden.topology;

import io.pgwarden.core.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints watch's cycle: {@link ReconcileCommand} on one snapshot, remembering what was published.
 * Everything a cycle throws is caught here and counted; the agent's loop runner (package {@code agent}) calls
 * {@link #runCycle} every {@code interval}, logs the reason and owns the thread. Between full comparisons only a
 * changed decision calls the publishers; every {@link #RESYNC} they compare anyway, to repair drift made by
 * someone else.
 */
public final class WatchLoop implements TopologyStatus {
    /** Drift made outside pgwarden (a manual kubectl edit) is repaired within 30 s without API calls every cycle. */
    static final Duration RESYNC = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(WatchLoop.class);

    private final ReconcileCommand command;
    private final Duration interval;
    private final Clock clock;

    private volatile ReconcileResult lastResult;
    private volatile Instant lastCycleAt;
    private volatile long cycles;
    private volatile long failedCycles;
    private volatile String lastError;

    private DesiredEndpoints lastPublished;
    private long lastFullCompare;

    public WatchLoop(ReconcileCommand command, Duration interval, Clock clock) {
        this.command = command;
        this.interval = Objects.requireNonNull(interval, "interval");
        this.clock = clock;
    }

    /**
     * Runs one cycle: one snapshot, one decision, the publishers called when it changed (or every {@link #RESYNC}).
     * Whatever the cycle throws is caught and counted here ({@link #failedCycles()}, {@link #lastError()}).
     *
     * @return the cycle's result; null when it failed
     */
    public ReconcileResult runCycle(long nowNanos) {
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
            lastResult = result;
            return result;
        } catch (Exception e) {
            failedCycles++;
            lastError = e.getClass().getSimpleName() + ": " + io.pgwarden.core.Secrets.mask(String.valueOf(e.getMessage()));
            log.debug("endpoints watch: cycle failed", e);
            lastResult = null;
            return null;
        } finally {
            cycles++;
            lastCycleAt = clock.now();
        }
    }

    /**
     * How a result reads in the log: its summary without the "changed/unchanged/publish failed" prefix is the
     * reason (a repeated one goes to DEBUG unless the endpoints changed).
     */
    public static String reason(ReconcileResult result) {
        return result.summary().replaceFirst("^(changed|unchanged|publish failed): ", "");
    }

    /** The time between cycles the loop was made for. */
    public Duration interval() {
        return interval;
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
