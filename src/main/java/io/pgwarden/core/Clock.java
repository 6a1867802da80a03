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

        @Override
        public boolean await(java.time.Duration duration, Wakeup wakeup) throws InterruptedException {
            return wakeup.awaitNanos(duration.toNanos());
        }
    };

    Instant now();

    long nanoTime();

    /** Waits for {@code duration}; a fake clock advances instead. Production loops only, never tests. */
    void sleep(java.time.Duration duration) throws InterruptedException;

    /**
     * Waits until {@code duration} has passed on this clock or {@code wakeup} is woken, whichever comes first; the
     * wake-up is consumed. This is how agent loops wait between cycles. The default, for fake clocks, never waits
     * for real: it returns at once when already woken, otherwise advances the clock through {@link #sleep} and then
     * reports whether a wake-up arrived meanwhile. {@link #SYSTEM} waits on real time.
     *
     * @return true when woken before the time was up
     * @throws InterruptedException when the waiting thread is interrupted
     */
    default boolean await(java.time.Duration duration, Wakeup wakeup) throws InterruptedException {
        if (wakeup.poll()) {
            return true;
        }
        sleep(duration);
        return wakeup.poll();
    }
}
