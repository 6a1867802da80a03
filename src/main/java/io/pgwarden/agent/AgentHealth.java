package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.health.AgentMetrics;
import io.pgwarden.health.AgentStatusSource;
import io.pgwarden.health.CachedPostgresStatus;
import io.pgwarden.health.HealthServer;
import io.pgwarden.health.LoopRegistry;
import io.pgwarden.health.MigrationStatusBoard;
import io.pgwarden.health.PostgresStatusProbe;
import io.pgwarden.health.PostgresStatusSupplier;
import io.pgwarden.pg.ConnectionSpec;
import java.net.InetSocketAddress;

/**
 * The health side of an agent, started before anything touches PostgreSQL: metrics registry, loop
 * heartbeats, the migration board, a cached status probe of the server, and the HTTP server.
 */
public final class AgentHealth implements AutoCloseable {
    private final AgentMetrics metrics;
    private final LoopRegistry loops;
    private final MigrationStatusBoard migrations;
    private final PostgresStatusProbe probe;
    private final CachedPostgresStatus postgres;
    private final HealthServer server;

    private AgentHealth(AgentMetrics metrics, LoopRegistry loops, MigrationStatusBoard migrations,
            PostgresStatusProbe probe, CachedPostgresStatus postgres, HealthServer server) {
        this.metrics = metrics;
        this.loops = loops;
        this.migrations = migrations;
        this.probe = probe;
        this.postgres = postgres;
        this.server = server;
    }

    /**
     * Starts the HTTP server on {@code address}; the probe connects to {@code server} lazily, on the
     * first request that needs PostgreSQL.
     *
     * @throws io.pgwarden.core.PgWardenException ENVIRONMENT when the port cannot be bound
     */
    public static AgentHealth start(InetSocketAddress address, ConnectionSpec server, Clock clock) {
        AgentMetrics metrics = new AgentMetrics();
        LoopRegistry loops = new LoopRegistry(clock, metrics.registry());
        MigrationStatusBoard board = new MigrationStatusBoard();
        PostgresStatusProbe probe = new PostgresStatusProbe(server, clock);
        CachedPostgresStatus cached = new CachedPostgresStatus(probe::probe, clock, CachedPostgresStatus.DEFAULT_TTL);
        HealthServer http = HealthServer.start(address, new AgentStatusSource(cached, board, loops, clock), metrics);
        return new AgentHealth(metrics, loops, board, probe, cached, http);
    }

    public LoopRegistry loops() {
        return loops;
    }

    public MigrationStatusBoard migrations() {
        return migrations;
    }

    /** The cached view of PostgreSQL that probes and agent loops share. */
    public PostgresStatusSupplier postgres() {
        return postgres;
    }

    /** Forces the next status read to probe (after the agent changed the server). */
    public void invalidatePostgres() {
        postgres.invalidate();
    }

    /** Closes the probe's session, so a smart shutdown does not wait for it. Health keeps answering. */
    public void releasePostgres() {
        probe.close();
        postgres.invalidate();
    }

    public int port() {
        return server.port();
    }

    public AgentMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        server.close();
        probe.close();
    }
}
