package io.pgwarden.health;

import io.pgwarden.core.Clock;
import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when a test advances it. */
final class ManualClock implements Clock {
    private long nanos = 1_000_000_000L;
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    synchronized void advance(Duration d) {
        nanos += d.toNanos();
        now = now.plus(d);
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public void sleep(Duration duration) {
        advance(duration);
    }
}
