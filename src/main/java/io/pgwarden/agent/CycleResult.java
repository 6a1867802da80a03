package io.pgwarden.agent;

import java.time.Duration;

/**
 * What one cycle of an {@link AgentLoop} decided, as a record: at least a human-readable {@link #reason()}
 * (Patroni's {@code run_cycle()} returns one), which the {@link LoopRunner} logs at INFO when it changes and
 * DEBUG when it does not, and /health shows with the time it changed.
 */
public interface CycleResult {
    /** Why the loop did what it did, e.g. "PostgreSQL accepts connections (running)"; never a secret. */
    String reason();

    /** How important a changed reason is in the log; INFO unless the loop says otherwise. */
    default Level level() {
        return Level.INFO;
    }

    /** The log line for a changed reason, when it says more than {@code "<loop>: <reason>"}; null for that. */
    default String message() {
        return null;
    }

    /** Something changed although the reason reads the same (a republish): logged at {@link #level()} anyway. */
    default boolean changed() {
        return false;
    }

    /** The cycle failed without throwing (the loop caught it itself): counted in the loop's error metric. */
    default boolean failed() {
        return false;
    }

    /** When the next cycle is due; null for the loop's {@link AgentLoop#interval()}. */
    default Duration next() {
        return null;
    }

    /** The log level of a changed reason (an unchanged one always goes to DEBUG). */
    enum Level { INFO, WARN, ERROR }

    /** A result that is nothing but a reason. */
    static CycleResult of(String reason) {
        return new Reason(reason, Level.INFO, null);
    }

    /** A plain reason record, with a level and an optional next-cycle delay. */
    record Reason(String reason, Level level, Duration next) implements CycleResult {
    }
}
