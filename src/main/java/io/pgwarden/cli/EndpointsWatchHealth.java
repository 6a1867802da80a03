package io.pgwarden.cli;

import io.pgwarden.core.Clock;
import io.pgwarden.health.AgentMetrics;
import io.pgwarden.health.AgentStatusSource;
import io.pgwarden.health.HealthServer;
import io.pgwarden.health.LoopHeartbeat;
import io.pgwarden.health.LoopRegistry;
import io.pgwarden.health.MigrationStatusBoard;
import io.pgwarden.health.PostgresStatus;
import io.pgwarden.health.PostgresStatusSupplier;
import io.pgwarden.health.TopologyEndpoint;
import io.pgwarden.topology.WatchLoop;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The HTTP server of {@code endpoints watch --health-port}: {@code /liveness} from the watch loop's heartbeat,
 * {@code /topology} from its last decision, {@code /metrics}. There is no local PostgreSQL, so the PostgreSQL
 * probes ({@code /readiness}, {@code /primary}, ...) answer 503 "not probed".
 */
final class EndpointsWatchHealth implements AutoCloseable {
    static final String LOOP = "endpoints-watch";

    private final HealthServer server;
    private final LoopRegistry loops;
    private final LoopHeartbeat heartbeat;

    private EndpointsWatchHealth(HealthServer server, LoopRegistry loops, LoopHeartbeat heartbeat) {
        this.server = server;
        this.loops = loops;
        this.heartbeat = heartbeat;
    }

    /**
     * Starts the server and beats the heartbeat after each of {@code loop}'s cycles.
     *
     * @param maxSilence how long the loop may go without finishing a cycle before liveness turns 503
     */
    static EndpointsWatchHealth start(InetSocketAddress address, WatchLoop loop, Duration maxSilence) {
        AgentMetrics metrics = new AgentMetrics();
        LoopRegistry loops = new LoopRegistry(Clock.SYSTEM, metrics.registry());
        LoopHeartbeat heartbeat = loops.register(LOOP, maxSilence);
        loop.afterEachCycle(heartbeat::beat);
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
                new AgentStatusSource(noLocalPostgres, new MigrationStatusBoard(), loops, Clock.SYSTEM), metrics);
        TopologyEndpoint.install(server, metrics.registry(), loop);
        return new EndpointsWatchHealth(server, loops, heartbeat);
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        loops.unregister(heartbeat);
        server.close();
    }
}
