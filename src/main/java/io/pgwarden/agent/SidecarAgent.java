package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.health.LoopHeartbeat;
import io.pgwarden.pg.NodeRole;
import io.pgwarden.health.PostgresStatus;
import io.pgwarden.health.PostgresStatusProbe;
import io.pgwarden.migrate.MigrationSettings;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pgwarden sidecar}: serves health for a PostgreSQL it does not own. Order: health server
 * first (liveness answers at once), wait for the server within {@code --wait-timeout}, create the
 * database if missing, apply and watch the migrations, then watch the server until SIGTERM. A server that goes away later is not
 * fatal: readiness reports 503 and the agent waits for it to return.
 */
public final class SidecarAgent {
    private static final Logger log = LoggerFactory.getLogger(SidecarAgent.class);

    private final SidecarSettings settings;
    private final Clock clock;
    private MigrationRetry migrationRetry = MigrationRetry.defaults();

    public SidecarAgent(SidecarSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** When failed migration runs are retried or re-checked; the production defaults unless a test shortens them. */
    SidecarAgent migrationRetry(MigrationRetry retry) {
        this.migrationRetry = java.util.Objects.requireNonNull(retry, "retry");
        return this;
    }

    /**
     * Runs until {@code stop} is requested.
     *
     * @return 0 after a requested stop
     * @throws io.pgwarden.core.PgWardenException FAILED when the server never answered within the wait
     *         timeout; ENVIRONMENT when the health port cannot be bound
     */
    public int run(StopSignal stop) throws InterruptedException {
        String target = settings.target().display();
        stop.begin();
        try (AgentHealth health = AgentHealth.start(settings.health(), clock)) {
            MigrationLoops migrations = migrations(health);
            health.attach(settings.target(), PostgresStatusProbe.Session.PER_PROBE);
            log.info("sidecar for {}: health on port {}", target, health.port());
            // the wait for the server is the monitor's first phase: it beats under the monitor's name
            LoopHeartbeat waiting = health.loops().register("monitor", ServerMonitor.MAX_SILENCE);
            PostgresStatus first;
            try {
                first = new ServerWaiter(health.postgres(), clock)
                        .await(target, settings.waitTimeout(), stop::isRequested, waiting::beat);
            } finally {
                health.loops().unregister(waiting);
            }
            if (first == null) {
                return 0;
            }
            loops(health, migrations).run(stop);
            log.info("sidecar for {} stopped ({})", target, stop.reason());
            return 0;
        } finally {
            stop.finished();
        }
    }

    /** The agent once the server answered: the monitor and, with a migrations directory, the migrations and their watch. */
    Agent loops(AgentHealth health, MigrationLoops migrations) {
        Agent agent = new Agent(health.loops(), clock).add(new ServerMonitor(health.postgres(), settings.target().display(),
                () -> onServerAnswers(health, migrations), settings.monitorInterval()));
        return migrations == null ? agent : migrations.addTo(agent);
    }

    /** The migration loops when a directory is configured (chains show as waiting at once), else null. */
    MigrationLoops migrations(AgentHealth health) {
        if (settings.migrationsDir() == null) {
            return null;
        }
        MigrationSettings ms = new MigrationSettings(settings.target(), settings.migrationsDir(), settings.historySchema(),
                settings.lockTimeout());
        return new MigrationLoops(ms, health, () -> writablePrimary(health), clock, migrationRetry);
    }

    static boolean writablePrimary(AgentHealth health) {
        PostgresStatus pg = health.postgres().current();
        return pg.running() && pg.role() == NodeRole.PRIMARY && Boolean.TRUE.equals(pg.writable());
    }

    /** The server answers (first time, or back after being away): create the database, (re)apply migrations. */
    private void onServerAnswers(AgentHealth health, MigrationLoops migrations) {
        if (settings.createDatabase()
                && new DatabaseCreator(settings.target(), SidecarSettings.MAINTENANCE_DATABASE).ensureExists()) {
            health.invalidatePostgres();
        }
        if (migrations != null) {
            migrations.trigger();
        }
    }
}
