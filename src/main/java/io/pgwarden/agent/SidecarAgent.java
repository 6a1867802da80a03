package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.health.LoopHeartbeat;
import io.pgwarden.health.PostgresStatus;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pgwarden sidecar}: serves health for a PostgreSQL it does not own. Order: health server
 * first (liveness answers at once), wait for the server within {@code --wait-timeout}, create the
 * database if missing, then watch the server until SIGTERM. A server that goes away later is not
 * fatal: readiness reports 503 and the agent waits for it to return.
 */
public final class SidecarAgent {
    private static final Logger log = LoggerFactory.getLogger(SidecarAgent.class);
    /**
     * Patroni's loop_wait: one cheap observation every 10 s keeps idle CPU near zero. Probes do not wait
     * for it: every HTTP request observes the server itself (cached for 1 s).
     */
    static final Duration MONITOR_INTERVAL = Duration.ofSeconds(10);
    /** Several missed cycles: a probe query is bounded by 3 s, so only a truly stuck loop is silent this long. */
    static final Duration MONITOR_MAX_SILENCE = Duration.ofSeconds(60);

    private final SidecarSettings settings;
    private final Clock clock;

    public SidecarAgent(SidecarSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Runs until {@code stop} is requested.
     *
     * @return 0 after a requested stop
     * @throws io.pgwarden.core.PgWardenException FAILED when the server never answered within the wait
     *         timeout; ENVIRONMENT when the health port cannot be bound
     */
    public int run(TerminationSignal stop) throws InterruptedException {
        String target = settings.target().display();
        try (AgentHealth health = AgentHealth.start(settings.health(), clock)) {
            health.attach(settings.target());
            log.info("sidecar for {}: health on port {}", target, health.port());
            LoopHeartbeat monitorBeat = health.loops().register("monitor", MONITOR_MAX_SILENCE);
            PostgresStatus first = new ServerWaiter(health.postgres(), clock)
                    .await(target, settings.waitTimeout(), stop::isRequested, monitorBeat::beat);
            if (first == null) {
                return 0;
            }
            ServerMonitor monitor = new ServerMonitor(health.postgres(), target, () -> onServerAnswers(health));
            while (!stop.isRequested()) {
                monitorBeat.runCycle(monitor::cycle);
                stop.await(MONITOR_INTERVAL.toMillis());
            }
            log.info("sidecar for {} stopped ({})", target, stop.reason());
            return 0;
        }
    }

    /** The server answers (first time, or back after being away): make sure the database exists. */
    private void onServerAnswers(AgentHealth health) {
        if (settings.createDatabase()
                && new DatabaseCreator(settings.target(), SidecarSettings.MAINTENANCE_DATABASE).ensureExists()) {
            health.invalidatePostgres();
        }
    }
}
