package io.pgwarden.instance;

import java.time.Duration;

/**
 * When to restart a crashed PostgreSQL and when to give up: the wait after the n-th recent crash is
 * {@code initialBackoff * 2^(n-1)} capped at {@code maxBackoff}; reaching {@code maxCrashes} crashes within
 * {@code window} ends supervision with exit code 9, so the orchestrator (or the user) sees a server that
 * cannot stay up instead of an endless loop.
 */
public record RestartPolicy(int maxCrashes, Duration window, Duration initialBackoff, Duration maxBackoff) {
    /**
     * 5 crashes in 60 s: waits of 1+2+4+8 s fit in the window, so a server that dies right after every
     * start is given up on within about 20 s, while one crash a minute is restarted forever.
     */
    public static final RestartPolicy DEFAULT = new RestartPolicy(5, Duration.ofSeconds(60), Duration.ofSeconds(1),
            Duration.ofSeconds(30));

    public RestartPolicy {
        if (maxCrashes < 1) {
            throw new IllegalArgumentException("maxCrashes must be at least 1, got " + maxCrashes);
        }
        if (window.isNegative() || window.isZero() || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("window must be positive and maxBackoff at least initialBackoff");
        }
    }

    public RestartPolicy withLimits(int crashes, Duration inWindow) {
        return new RestartPolicy(crashes, inWindow, initialBackoff, maxBackoff);
    }
}
