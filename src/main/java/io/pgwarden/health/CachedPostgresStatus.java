package io.pgwarden.health;

import io.pgwarden.core.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Caches probe results so that a load balancer or a load test hitting {@code /readiness} thousands
 * of times a second causes at most one round of probe queries per {@link #DEFAULT_TTL}. Concurrent
 * requests that find the cache stale wait for the one probe in flight instead of each querying.
 */
public final class CachedPostgresStatus implements PostgresStatusSupplier {
    /**
     * One second: load balancers check every 1-2 s and Kubernetes probes every 10 s by default, so none
     * of them sees an observation older than its own period, while PostgreSQL sees at most one probe
     * session's queries per second however many requests arrive.
     */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(1);

    private final Supplier<PostgresStatus> probe;
    private final Clock clock;
    private final long ttlNanos;
    private final Object refreshLock = new Object();
    private volatile PostgresStatus last = PostgresStatus.notProbed();
    private volatile long lastAtNanos;
    private volatile boolean probed;

    public CachedPostgresStatus(Supplier<PostgresStatus> probe, Clock clock, Duration ttl) {
        this.probe = probe;
        this.clock = clock;
        this.ttlNanos = ttl.toNanos();
    }

    @Override
    public PostgresStatus current() {
        if (fresh()) {
            return last;
        }
        synchronized (refreshLock) {
            if (!fresh()) { // another thread may have refreshed while this one waited
                PostgresStatus observed = probe.get();
                lastAtNanos = clock.nanoTime();
                last = observed;
                probed = true;
            }
            return last;
        }
    }

    private boolean fresh() {
        return probed && clock.nanoTime() - lastAtNanos < ttlNanos;
    }

    @Override
    public PostgresStatus lastKnown() {
        return last;
    }

    /** Forgets the cached observation, so the next {@link #current()} probes (after a known change). */
    public void invalidate() {
        probed = false;
    }
}
