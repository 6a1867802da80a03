package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.health.AgentMetrics;
import io.pgwarden.health.AgentStatusSource;
import io.pgwarden.health.HealthServer;
import io.pgwarden.health.LoopRegistry;
import io.pgwarden.health.MigrationStatusBoard;
import io.pgwarden.health.PostgresStatusProbe;
import io.pgwarden.health.PostgresStatusSupplier;
import io.pgwarden.pg.ConnectionSpec;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The health side of an agent, started before anything touches PostgreSQL: metrics registry, loop
 * heartbeats, the migration board, the agent's view of its server, and the HTTP server.
 */
public final class AgentHealth implements AutoCloseable {
    /**
     * Ten seconds: the monitor loop only logs the server going away and coming back and re-runs migrations when
     * it returns; no probe waits for it (readiness and the role endpoints observe the server on request, cached
     * 1 s), and a stuck loop is still caught after {@code RunAgent.MONITOR_MAX_SILENCE} (60 s, six cycles). Each
     * cycle is one probe statement, parsed by the JVM; at 2 s the loop was most of an idle agent's CPU (about
     * 0.04 % of a core, bench/agent), at 10 s it is about 0.01 %. Kubernetes probes every 10 s by default too.
     */
    public static final Duration DEFAULT_MONITOR_INTERVAL = Duration.ofSeconds(10);
    private final Clock clock;
    private final AgentMetrics metrics;
    private final LoopRegistry loops;
    private final MigrationStatusBoard migrations;
    private final AgentPostgresStatus postgres;
    private final HealthServer server;
    private final AgentStatusSource status;

    private AgentHealth(Clock clock, AgentMetrics metrics, LoopRegistry loops, MigrationStatusBoard migrations,
            AgentPostgresStatus postgres, HealthServer server, AgentStatusSource status) {
        this.status = status;
        this.clock = clock;
        this.metrics = metrics;
        this.loops = loops;
        this.migrations = migrations;
        this.postgres = postgres;
        this.server = server;
    }

    /**
     * Starts the HTTP server on {@code address}. Until {@link #attach} PostgreSQL is reported as
     * starting, with the phase given to {@link #phase}.
     *
     * @throws io.pgwarden.core.PgWardenException ENVIRONMENT when the port cannot be bound
     */
    public static AgentHealth start(InetSocketAddress address, Clock clock) {
        AgentMetrics metrics = new AgentMetrics();
        LoopRegistry loops = new LoopRegistry(clock, metrics.registry());
        MigrationStatusBoard board = new MigrationStatusBoard();
        AgentPostgresStatus postgres = new AgentPostgresStatus(clock);
        AgentStatusSource status = new AgentStatusSource(postgres, board, loops, clock);
        HealthServer http = HealthServer.start(address, status, metrics);
        return new AgentHealth(clock, metrics, loops, board, postgres, http, status);
    }

    /** Says what the agent is doing before it can connect (shown as the STARTING state's reason). */
    public void phase(String what) {
        postgres.phase(what);
    }

    /**
     * Observes {@code server} from now on; the probe connects on the first request that needs it.
     *
     * @param session {@link PostgresStatusProbe.Session#KEEP} when the agent owns the server (it closes
     *                the session before stopping it), {@link PostgresStatusProbe.Session#PER_PROBE} when it
     *                does not: a session kept open would hold up the owner's smart shutdown
     */
    public void attach(ConnectionSpec server, PostgresStatusProbe.Session session) {
        postgres.attach(new PostgresStatusProbe(server, clock, session));
    }

    /**
     * Observes the server this agent owns over a kept session, dropped as soon as {@code shuttingDown} says
     * the server is stopping (a shutdown begun outside the agent must not wait for the probe's session).
     */
    public void attachOwned(ConnectionSpec server, java.util.function.BooleanSupplier shuttingDown) {
        postgres.attach(new PostgresStatusProbe(server, clock, PostgresStatusProbe.Session.KEEP, shuttingDown));
    }

    /** Reports the expiry of the server certificate in {@code file} on /health and /metrics from now on. */
    public void tlsCertificate(java.nio.file.Path file) {
        status.tls(() -> {
            try {
                java.security.cert.X509Certificate c = io.pgwarden.pg.tls.Pem.readCertificates(file).get(0);
                return new io.pgwarden.health.TlsCertificateStatus(file.toString(), c.getSubjectX500Principal().getName(),
                        c.getNotAfter().toInstant(), null);
            } catch (java.io.IOException | io.pgwarden.pg.tls.Pem.PemException e) {
                return new io.pgwarden.health.TlsCertificateStatus(file.toString(), null, null,
                        "cannot read the certificate: " + e.getMessage());
            }
        });
    }

    public LoopRegistry loops() {
        return loops;
    }

    public MigrationStatusBoard migrations() {
        return migrations;
    }

    /** The agent's view of PostgreSQL, shared by probes and agent loops. */
    public PostgresStatusSupplier postgres() {
        return postgres;
    }

    /** Forces the next status read to probe (after the agent changed the server). */
    public void invalidatePostgres() {
        postgres.invalidate();
    }

    /** The agent is stopping its server: close the probe's session (smart shutdown waits for sessions), report STOPPED. */
    public void markStopped() {
        postgres.markStopped();
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
        postgres.close();
    }
}
