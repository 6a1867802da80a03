package io.pgwarden.topology;

import java.time.Instant;
import java.util.Optional;

/**
 * Read-only view of a running {@link WatchLoop}, for the agent's HTTP endpoints and metrics. Safe to call from any
 * thread; values are those of the last finished cycle.
 */
public interface TopologyStatus {
    /** The last cycle's result; empty before the first cycle finished or when it threw. */
    Optional<ReconcileResult> lastResult();

    /** When the last cycle (successful or not) finished; null before the first. */
    Instant lastCycleAt();

    /** Cycles run so far. */
    long cycles();

    /** Cycles that threw (caught at the loop boundary); their message is {@link #lastError()}. */
    long failedCycles();

    /** The last caught failure's message, or null. */
    String lastError();
}
