package io.pgwarden.testing;

import io.pgwarden.core.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The test clock: a {@link Clock} that only moves when told to ({@link #advance}) or when slept or awaited on
 * (it advances by the time asked for instead of waiting, see {@link Clock#await}); records every sleep. Starts at
 * 2026-01-01T00:00:00Z and a {@link #nanoTime()} of one second (not zero, so "never" stays distinguishable).
 */
public final class SteppingClock implements Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private long nanos = 1_000_000_000L;
    private final List<Duration> sleeps = new ArrayList<>();

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized void sleep(Duration duration) {
        sleeps.add(duration);
        advance(duration);
    }

    public synchronized void advance(Duration d) {
        now = now.plus(d);
        nanos += d.toNanos();
    }

    public synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }
}
