package io.pgwarden.instance;

import java.time.Duration;

/**
 * When to restart a crashed PostgreSQL and when to give up: the wait after the n-th recent crash is
 * {@code initialBackoff * 2^(n-1)} capped at {@code maxBackoff}; {@code maxRestarts} restarts are allowed
 * within {@code window}, so the next crash (crash number {@code maxRestarts + 1}) ends supervision with
 * exit code 9, so the orchestrator (or the user) sees a server that cannot stay up instead of an endless loop.
 */
public record RestartPolicy(int maxRestarts, Duration window, Duration initialBackoff, Duration maxBackoff) {
    /**
     * 5 restarts in 60 s: waits of 1+2+4+8+16 s fit in the window, so a server that dies right after every
     * start is given up on (at the 6th crash) within about 35 s, while one crash a minute is restarted forever.
     */
    public static final RestartPolicy DEFAULT = new RestartPolicy(5, Duration.ofSeconds(60), Duration.ofSeconds(1),
            Duration.ofSeconds(30));

    public RestartPolicy {
        if (maxRestarts < 1) {
            throw new IllegalArgumentException("maxRestarts must be at least 1, got " + maxRestarts);
        }
        if (window.isNegative() || window.isZero() || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("window must be positive and maxBackoff at least initialBackoff");
        }
    }

    public RestartPolicy withLimits(int crashes, Duration inWindow) {
        return new RestartPolicy(crashes, inWindow, initialBackoff, maxBackoff);
    }
}
