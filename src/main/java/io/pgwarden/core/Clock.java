package io.pgwarden.core;

import java.time.Instant;

/**
 * Time, injected so control loops and backoff can be tested on a fake clock without sleeping.
 * {@link #nanoTime()} is monotonic and only meaningful as a difference.
 */
public interface Clock {
    Clock SYSTEM = new Clock() {
        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(java.time.Duration duration) throws InterruptedException {
            Thread.sleep(duration.toMillis());
        }
    };

    Instant now();

    long nanoTime();

    /** Waits for {@code duration}; a fake clock advances instead. Production loops only, never tests. */
    void sleep(java.time.Duration duration) throws InterruptedException;
}
