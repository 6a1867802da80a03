package io.pgwarden.core;

/**
 * Ends a {@link Clock#await wait} before its time is up: an agent loop waits between cycles on one, and a
 * trigger (a directory changed, the server came back) or a stop request wakes it. A wake-up that arrives
 * while nobody waits is kept until the next wait (or {@link #poll()}), so none is lost. Thread-safe.
 */
public final class Wakeup {
    private boolean woken;

    /** Wakes the current wait, or the next one if none is in progress. */
    public synchronized void wake() {
        woken = true;
        notifyAll();
    }

    /** True when woken since the last call (or wait); clears the wake-up. */
    public synchronized boolean poll() {
        boolean was = woken;
        woken = false;
        return was;
    }

    /**
     * Waits on real time at most {@code nanos} or until woken; used by {@link Clock#SYSTEM}.
     *
     * @return true when woken (the wake-up is consumed), false when the time ran out
     */
    synchronized boolean awaitNanos(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (!woken) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        woken = false;
        return true;
    }
}
