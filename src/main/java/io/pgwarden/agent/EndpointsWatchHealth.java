package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.health.AgentMetrics;
import io.pgwarden.health.AgentStatusSource;
import io.pgwarden.health.HealthServer;
import io.pgwarden.health.LoopRegistry;
import io.pgwarden.health.MigrationStatusBoard;
import io.pgwarden.health.PostgresStatus;
import io.pgwarden.health.PostgresStatusSupplier;
import io.pgwarden.health.TopologyEndpoint;
import io.pgwarden.topology.WatchLoop;
import java.net.InetSocketAddress;

/**
 * The HTTP server of {@code endpoints watch --health-port}: {@code /liveness} from the watch loop's heartbeat,
 * {@code /topology} from its last decision, {@code /metrics}. There is no local PostgreSQL, so the PostgreSQL
 * probes ({@code /readiness}, {@code /primary}, ...) answer 503 "not probed".
 */
final class EndpointsWatchHealth implements AutoCloseable {
    private final HealthServer server;

    private EndpointsWatchHealth(HealthServer server) {
        this.server = server;
    }

    /** Starts the server on {@code loops} (where the agent registers the watch's heartbeat) and {@code loop}'s results. */
    static EndpointsWatchHealth start(InetSocketAddress address, WatchLoop loop, AgentMetrics metrics, LoopRegistry loops,
            Clock clock) {
        PostgresStatusSupplier noLocalPostgres = new PostgresStatusSupplier() {
            @Override
            public PostgresStatus current() {
                return PostgresStatus.notProbed();
            }

            @Override
            public PostgresStatus lastKnown() {
                return PostgresStatus.notProbed();
            }
        };
        HealthServer server = HealthServer.start(address,
                new AgentStatusSource(noLocalPostgres, new MigrationStatusBoard(), loops, clock), metrics);
        TopologyEndpoint.install(server, metrics.registry(), loop);
        return new EndpointsWatchHealth(server);
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
