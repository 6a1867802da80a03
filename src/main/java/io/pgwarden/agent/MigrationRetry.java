package io.pgwarden.agent;

import java.time.Duration;
import java.util.Objects;

/**
 * When the agent's migration runner runs again without being triggered. A run that failed for a reason
 * outside the files (lock timeout, connection lost, server away, history changed underneath) is retried
 * with a doubling backoff; a run that left something to fix in the files or the history (bad names, a
 * failed SQL statement, a changed applied file) is re-checked at a fixed period, because
 * {@code pgwarden migrate repair} can fix the history without touching a file. A run that left every chain
 * applied is not repeated; directory changes and the server coming back trigger runs on their own.
 * Not thread-safe: the runner's apply thread owns it.
 */
final class MigrationRetry {
    /** The first retry: a lock held by another runner or a server restart is often over within seconds. */
    static final Duration DEFAULT_FIRST = Duration.ofSeconds(5);
    /** The longest retry interval: a long outage costs one connection attempt per 2 minutes, no more. */
    static final Duration DEFAULT_MAX = Duration.ofMinutes(2);
    /**
     * Re-check period when the files or the history need fixing: one directory scan and one history read, so
     * cheap; 30 s shows a repair on /readiness promptly without load.
     */
    static final Duration DEFAULT_RECHECK = Duration.ofSeconds(30);

    /** What a run left behind, which decides when the next one happens. */
    enum Outcome {
        /** Every chain is applied: run again only when triggered. */
        UP_TO_DATE,
        /** Something in the files or the history needs fixing (or a replica waits for its primary): re-check periodically. */
        CHECK_AGAIN,
        /** Failed for a reason outside the files: retry with backoff. */
        RETRY
    }

    private final Duration first;
    private final Duration max;
    private final Duration recheck;
    private Duration nextBackoff;

    /**
     * @param first   the first retry after a failure outside the files; doubles on each further one
     * @param max     the cap of that doubling
     * @param recheck the period of re-checks while the files or the history need fixing
     */
    MigrationRetry(Duration first, Duration max, Duration recheck) {
        this.first = Objects.requireNonNull(first, "first");
        this.max = Objects.requireNonNull(max, "max");
        this.recheck = Objects.requireNonNull(recheck, "recheck");
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0 || recheck.isNegative() || recheck.isZero()) {
            throw new IllegalArgumentException("retry intervals must be positive and max >= first: " + first + ", "
                    + max + ", " + recheck);
        }
        this.nextBackoff = first;
    }

    /** The longest retry interval. */
    Duration max() {
        return max;
    }

    static MigrationRetry defaults() {
        return new MigrationRetry(DEFAULT_FIRST, DEFAULT_MAX, DEFAULT_RECHECK);
    }

    /**
     * @return how long to wait before the next untriggered run after a run with {@code outcome}, or null for
     *         none (wait for a trigger)
     */
    Duration after(Outcome outcome) {
        switch (outcome) {
            case RETRY -> {
                Duration wait = nextBackoff;
                Duration doubled = nextBackoff.multipliedBy(2);
                nextBackoff = doubled.compareTo(max) > 0 ? max : doubled;
                return wait;
            }
            case CHECK_AGAIN -> {
                nextBackoff = first;
                return recheck;
            }
            default -> {
                nextBackoff = first;
                return null;
            }
        }
    }
}
