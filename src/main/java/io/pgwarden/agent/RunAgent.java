package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.health.LoopHeartbeat;
import io.pgwarden.instance.InstanceConfig;
import io.pgwarden.instance.LocalInstance;
import io.pgwarden.instance.PasswordFile;
import io.pgwarden.instance.Preflight;
import io.pgwarden.instance.ReplicaProvisioner;
import io.pgwarden.instance.ServerFiles;
import io.pgwarden.instance.ShutdownMode;
import io.pgwarden.instance.Supervisor;
import io.pgwarden.migrate.MigrationSettings;
import io.pgwarden.pg.BinariesRequest;
import io.pgwarden.pg.BinariesResolver;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.ProcessRunner;
import io.pgwarden.tune.TuningPlan;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import io.pgwarden.core.log.LogSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pgwarden run}: the container entrypoint for a node that owns its PostgreSQL. Order: health
 * server first (liveness answers while binaries are resolved and initdb runs), tune, initialise or
 * reuse the data directory, start PostgreSQL under the {@link Supervisor}, apply migrations on a
 * primary and keep watching them. On SIGTERM: stop PostgreSQL cleanly (smart, then fast after the
 * stop timeout) and return 0.
 */
public final class RunAgent {
    private static final Logger log = LoggerFactory.getLogger(RunAgent.class);
    /** Several missed cycles: a probe query is bounded by 3 s, so only a truly stuck loop is silent this long. */
    static final Duration MONITOR_MAX_SILENCE = Duration.ofSeconds(60);
    /** How often the start-up wait checks for a stop request while PostgreSQL starts. */
    private static final long START_POLL_MILLIS = 200;

    private final RunSettings settings;
    private final BinariesResolver resolver;
    private final ProcessRunner runner;
    private final Privileges privileges;
    private final Clock clock;
    private io.pgwarden.instance.ReplicaProvisioner.Source replicaOf;
    private RunObserver observer = RunObserver.LOG;

    public RunAgent(RunSettings settings, BinariesResolver resolver, ProcessRunner runner, Privileges privileges,
            Clock clock) {
        this.settings = settings;
        this.resolver = resolver;
        this.runner = runner;
        this.privileges = privileges;
        this.clock = clock;
    }

    /** Makes this node a streaming replica of {@code source} (cloned on first start); null for none. */
    public RunAgent replicaOf(io.pgwarden.instance.ReplicaProvisioner.Source source) {
        this.replicaOf = source;
        return this;
    }

    /** Who hears of progress (health server, binaries, tuning, data directory, server events); {@link RunObserver#LOG} by default. */
    public RunAgent observer(RunObserver observer) {
        this.observer = java.util.Objects.requireNonNull(observer, "observer");
        return this;
    }

    /**
     * Runs until {@code stop} is requested (returns 0 after a clean stop) or PostgreSQL ends.
     *
     * @throws PgWardenException POSTGRES_FAILED when PostgreSQL cannot start or keeps crashing; the codes of
     *         binaries resolution, preflight and initdb otherwise
     */
    public int run(TerminationSignal stop) throws InterruptedException {
        // a server left running by a pgwarden that was killed (SIGKILL) is stopped, then started supervised below
        io.pgwarden.instance.OrphanedServer.Stopped orphan = new io.pgwarden.instance.OrphanedServer(runner)
                .stopIfOrphaned(settings.instance().dataDir(), settings.instance().stopTimeout());
        if (orphan != null) {
            observer.orphanStopped(orphan);
        }
        // what the settings and the directory alone can refute fails here, before anything binds or downloads
        Preflight.Result inspected = new Preflight(privileges).inspect(settings.instance());
        Preflight.checkPortFree(settings.instance());
        warnIfOnlyLoopbackMayConnect(settings.instance());
        BinariesRequest wanted = settings.binaries();
        if (wanted.major() == null && !inspected.needsInit()) {
            // an existing directory asks for its own major (PG_VERSION), whatever else is installed
            java.nio.file.Path dir = settings.instance().dataDir();
            wanted = new io.pgwarden.instance.DataDirectory(dir).version()
                    .map(v -> new BinariesRequest(settings.binaries().pgBin(), settings.binaries().pgBinOrigin(), v,
                            dir.resolve("PG_VERSION").toString()))
                    .orElse(wanted);
        }
        try (AgentHealth health = AgentHealth.start(settings.health(), clock)) {
            observer.healthServer(health.port());
            // before PostgreSQL runs there is nothing to stop cleanly: a stop request ends the start-up between
            // steps, and a second one interrupts the step itself (download, pg_basebackup, initdb are killed)
            Thread starter = Thread.currentThread();
            stop.onRepeat(starter::interrupt);
            String phase = "resolving PostgreSQL binaries";
            LocalInstance instance;
            LocalInstance.Prepared prepared;
            InstanceConfig config = settings.instance();
            try {
                health.phase(phase);
                PgBinaries binaries = resolver.resolve(wanted);
                observer.binaries(binaries);
                if (settings.tuning() != null) {
                    TuningPlan plan = settings.tuning().plan(binaries.version());
                    observer.tuned(plan);
                    config = config.withSettings(plan.settings());
                }
                if (replicaOf != null && !stop.isRequested()) {
                    phase = "cloning or reusing the replica " + config.dataDir() + " of " + replicaOf.upstream().address();
                    health.phase(phase);
                    ReplicaProvisioner.Outcome outcome = new ReplicaProvisioner(runner, new ServerFiles(privileges), binaries,
                            clock).prepare(config, replicaOf, line -> observer.cloneProgress(replicaOf, line));
                    observer.replica(replicaOf, outcome);
                    config = outcome.config();
                }
                if (stop.isRequested()) {
                    observer.notStarted(phase);
                    return 0;
                }
                phase = "preparing the data directory " + config.dataDir();
                health.phase(phase);
                instance = new LocalInstance(config, binaries, serverRunner(config), new ServerFiles(privileges), clock);
                prepared = instance.prepare();
                observer.prepared(config, prepared);
            } catch (PgWardenException e) {
                if (!stop.isRequested()) {
                    throw e;
                }
                Thread.interrupted(); // the interrupt was ours: the step ended as asked
                log.info("start-up ended while {}: {}", phase, e.getMessage());
                observer.notStarted(phase);
                return 0;
            }
            if (stop.isRequested()) {
                observer.notStarted(phase);
                return 0;
            }
            ConnectionSpec superuser = superuser(config, prepared);
            return supervise(instance, superuser, health, stop);
        }
    }

    /** Listening beyond loopback while pg_hba.conf admits loopback only is a common surprise: say so once. */
    private static void warnIfOnlyLoopbackMayConnect(InstanceConfig config) {
        boolean beyondLoopback = config.listenAddresses().stream()
                .anyMatch(a -> !a.equals("localhost") && !a.startsWith("127.") && !a.equals("::1"));
        if (beyondLoopback && config.allowedNetworks().isEmpty()) {
            log.warn("PostgreSQL listens on {} but the pg_hba.conf pgwarden manages admits loopback clients only; set --allow /"
                    + " PGWARDEN_ALLOW (e.g. 10.0.0.0/8) for clients on the network", String.join(",", config.listenAddresses()));
        }
    }

    /**
     * With JSON logs and the server's output on this process's (no --server-log file), PostgreSQL's
     * lines are relayed as JSON log lines; otherwise the server inherits the output unchanged.
     */
    private ProcessRunner serverRunner(InstanceConfig config) {
        return LogSettings.isJson() && config.serverLog() == null
                ? new RelayingProcessRunner(runner, new PostgresOutputLog()) : runner;
    }

    private int supervise(LocalInstance instance, ConnectionSpec superuser, AgentHealth health, TerminationSignal stop)
            throws InterruptedException {
        health.phase("starting PostgreSQL");
        CountDownLatch started = new CountDownLatch(1);
        Supervisor supervisor = instance.supervisor(event -> {
            observer.server(event, superuser);
            health.invalidatePostgres();
            started.countDown();
        });
        stop.onRepeat(supervisor::hurry);
        CompletableFuture<Supervisor.Outcome> outcome = new CompletableFuture<>();
        Thread supervision = new Thread(() -> {
            try {
                outcome.complete(supervisor.run());
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
            stop.request("end of supervision");
        }, "supervisor");
        supervision.start();
        boolean served = false;
        try {
            while (started.getCount() > 0 && !outcome.isDone() && !stop.await(START_POLL_MILLIS)) {
                // waiting for the first start; a stop request or a failed start ends the wait
            }
            // postmaster.pid says "stopping" from the moment a smart or fast shutdown begins, whoever asked for it
            java.nio.file.Path dataDir = instance.config().dataDir();
            health.attachOwned(superuser, () -> io.pgwarden.instance.PostmasterPid.read(dataDir)
                    .map(pid -> pid.status().equals("stopping")).orElse(false));
            try (MigrationRunner migrations = migrations(health, superuser)) {
                if (migrations != null) {
                    migrations.start();
                } else if (started.getCount() == 0 && replicaOf == null) {
                    createDatabase(superuser);
                }
                ServerMonitor monitor = new ServerMonitor(health.postgres(), superuser.display(), () -> {
                    if (migrations != null) {
                        migrations.trigger();
                    }
                });
                LoopHeartbeat beat = health.loops().register("monitor", MONITOR_MAX_SILENCE);
                io.pgwarden.instance.ServerTls tls = instance.config().tls();
                TlsRotation rotation = tls == null ? null
                        : new TlsRotation(tls, dataDir, new ServerFiles(privileges), superuser, clock);
                LoopHeartbeat tlsBeat = rotation == null ? null : health.loops().register("tls", MONITOR_MAX_SILENCE);
                if (tls != null) {
                    health.tlsCertificate(dataDir.resolve(io.pgwarden.instance.ServerTls.CERT_FILE));
                }
                while (!stop.isRequested()) {
                    beat.runCycle(monitor::cycle);
                    if (rotation != null) {
                        tlsBeat.runCycle(rotation::cycle);
                    }
                    stop.await(settings.monitorInterval().toMillis());
                }
                health.loops().unregister(beat);
                if (tlsBeat != null) {
                    health.loops().unregister(tlsBeat);
                }
            }
            served = true;
        } finally {
            if (!served) {
                // an exception (or an interrupt) ended the agent: PostgreSQL must not outlive it as an orphan
                stop.request("agent failure");
                stopAfterFailure(supervisor, supervision, outcome, health, stop);
            }
        }
        return shutdown(supervisor, supervision, outcome, health, stop);
    }

    /** {@link #shutdown} while another exception is on its way out: what this one throws is logged, not raised. */
    private void stopAfterFailure(Supervisor supervisor, Thread supervision, CompletableFuture<Supervisor.Outcome> outcome,
            AgentHealth health, TerminationSignal stop) {
        try {
            shutdown(supervisor, supervision, outcome, health, stop);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("interrupted while stopping PostgreSQL after a failure; it may still be running");
        } catch (RuntimeException e) {
            log.error("stopping PostgreSQL after a failure failed too: {}", e.getMessage());
        }
    }

    /**
     * {@code --database} (POSTGRES_DB) on a primary without migrations, which would create it otherwise: as the official
     * image creates POSTGRES_DB on its first start. A failure is a warning; the server is up and serves the others.
     */
    private void createDatabase(ConnectionSpec superuser) {
        if (settings.database().equals(RunSettings.DEFAULT_DATABASE)) {
            return;
        }
        try {
            new DatabaseCreator(superuser.withDatabase(settings.database()), RunSettings.DEFAULT_DATABASE).ensureExists();
        } catch (PgWardenException e) {
            log.warn("{}", e.getMessage());
        }
    }

    /** Migrations of {@code --database}, applied while the server is a writable primary; null without a directory. */
    private MigrationRunner migrations(AgentHealth health, ConnectionSpec superuser) {
        if (settings.migrationsDir() == null) {
            return null;
        }
        MigrationSettings ms = new MigrationSettings(superuser.withDatabase(settings.database()), settings.migrationsDir(),
                settings.historySchema(), settings.lockTimeout());
        return new MigrationRunner(ms, health.migrations(), health.loops(), () -> SidecarAgent.writablePrimary(health),
                () -> health.postgres().lastKnown().reachable(), clock);
    }

    private int shutdown(Supervisor supervisor, Thread supervision, CompletableFuture<Supervisor.Outcome> outcome,
            AgentHealth health, TerminationSignal stop) throws InterruptedException {
        health.markStopped();
        ShutdownMode mode = null;
        if (!outcome.isDone()) {
            log.info("stopping PostgreSQL ({}): smart, then fast after {} (send the signal again, e.g. Ctrl-C, to stop fast now)",
                    stop.reason(),
                    io.pgwarden.core.Durations.format(settings.instance().stopTimeout()));
            mode = supervisor.requestStop();
        }
        supervision.join();
        io.pgwarden.instance.ServerProcess left = supervisor.current();
        if (left != null && left.isAlive()) {
            // supervision ended abnormally (an exception) with the server still up: never leave it orphaned
            log.warn("supervision ended while PostgreSQL (pid {}) still runs; stopping it", left.pid());
            mode = left.stop(settings.instance().stopTimeout());
        }
        try {
            observer.stopped(outcome.get(), mode);
            return 0;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PgWardenException pe) {
                throw pe;
            }
            throw new PgWardenException(ErrorCode.INTERNAL, "supervision failed: " + e.getCause(), e.getCause());
        }
    }

    /** The agent's own superuser connection over TCP to the local server. */
    private ConnectionSpec superuser(InstanceConfig config, LocalInstance.Prepared prepared) {
        ConnectionSpec d = settings.clientDefaults();
        String password = prepared.passwordFile() != null ? PasswordFile.read(prepared.passwordFile()) : d.password();
        return d.withHostPort(config.clientHost(), config.port()).withUser(config.superuser(), password)
                .withDatabase("postgres");
    }
}
