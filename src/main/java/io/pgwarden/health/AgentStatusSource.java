package io.pgwarden.health;

import io.pgwarden.core.Clock;
import java.time.Duration;

/**
 * The agent's {@link StatusSource}: PostgreSQL from a (cached) probe, migration chains from the
 * board the agent writes, loops from their heartbeats.
 */
public final class AgentStatusSource implements StatusSource {
    private final PostgresStatusSupplier postgres;
    private final MigrationStatusBoard migrations;
    private final LoopRegistry loops;
    private final Clock clock;
    private final long startedNanos;
    private volatile java.util.function.Supplier<TlsCertificateStatus> tls = () -> null;

    public AgentStatusSource(PostgresStatusSupplier postgres, MigrationStatusBoard migrations, LoopRegistry loops,
            Clock clock) {
        this.postgres = postgres;
        this.migrations = migrations;
        this.loops = loops;
        this.clock = clock;
        this.startedNanos = clock.nanoTime();
    }

    /** Reports the server certificate {@code certificate} reads (a file read per snapshot: cheap, and never stale). */
    public void tls(java.util.function.Supplier<TlsCertificateStatus> certificate) {
        this.tls = java.util.Objects.requireNonNull(certificate, "certificate");
    }

    @Override
    public NodeStatus snapshot(Freshness freshness) {
        PostgresStatus pg = freshness == Freshness.CURRENT ? postgres.current() : postgres.lastKnown();
        return new NodeStatus(pg, migrations.chains(), loops.statuses(), PgWardenVersion.get(),
                Duration.ofNanos(clock.nanoTime() - startedNanos), tls.get());
    }
}
