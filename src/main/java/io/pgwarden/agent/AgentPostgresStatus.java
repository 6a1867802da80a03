package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.health.CachedPostgresStatus;
import io.pgwarden.health.PostgresState;
import io.pgwarden.health.PostgresStatus;
import io.pgwarden.health.PostgresStatusProbe;
import io.pgwarden.health.PostgresStatusSupplier;

/**
 * What the agent knows about its PostgreSQL across its life: before it can connect (run mode:
 * binaries, initdb and start still ahead) it reports STARTING with what it is doing; once attached
 * it reports the cached probe; after the agent stopped the server it reports STOPPED and never
 * probes again (a probe session would hold up a smart shutdown).
 */
final class AgentPostgresStatus implements PostgresStatusSupplier, AutoCloseable {
    private final Clock clock;
    private volatile String phase = "pgwarden is starting";
    private volatile PostgresStatusProbe probe;
    private volatile CachedPostgresStatus cache;
    private volatile boolean stopped;

    AgentPostgresStatus(Clock clock) {
        this.clock = clock;
    }

    /** Reports STARTING with {@code what} until {@link #attach}. */
    void phase(String what) {
        this.phase = what;
    }

    /** From now on, observes the server through {@code newProbe}, cached for {@link CachedPostgresStatus#DEFAULT_TTL}. */
    synchronized void attach(PostgresStatusProbe newProbe) {
        if (probe != null) {
            probe.close();
        }
        probe = newProbe;
        cache = new CachedPostgresStatus(newProbe::probe, clock, CachedPostgresStatus.DEFAULT_TTL);
    }

    /** Forces the next {@link #current()} to probe. */
    void invalidate() {
        CachedPostgresStatus c = cache;
        if (c != null) {
            c.invalidate();
        }
    }

    /** The agent is stopping the server: close the probe session and report STOPPED from now on. */
    synchronized void markStopped() {
        stopped = true;
        if (probe != null) {
            probe.close();
        }
    }

    @Override
    public PostgresStatus current() {
        CachedPostgresStatus c = cache;
        return stopped ? stoppedStatus() : c == null ? pending() : c.current();
    }

    @Override
    public PostgresStatus lastKnown() {
        CachedPostgresStatus c = cache;
        return stopped ? stoppedStatus() : c == null ? pending() : c.lastKnown();
    }

    private PostgresStatus pending() {
        return PostgresStatus.starting(phase, clock.now());
    }

    private PostgresStatus stoppedStatus() {
        return PostgresStatus.down(PostgresState.STOPPED, "stopped by pgwarden", clock.now());
    }

    @Override
    public synchronized void close() {
        if (probe != null) {
            probe.close();
        }
    }
}
