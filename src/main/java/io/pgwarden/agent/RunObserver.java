package io.pgwarden.agent;

import io.pgwarden.core.Durations;
import io.pgwarden.instance.InstanceConfig;
import io.pgwarden.instance.LocalInstance;
import io.pgwarden.instance.ReplicaProvisioner;
import io.pgwarden.instance.ShutdownMode;
import io.pgwarden.instance.Supervisor;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.tune.TuningPlan;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link RunAgent} reports as it brings a node up and down. {@code run} logs it ({@link #LOG});
 * {@code up} prints it as result lines for a person at a terminal. Called on the agent's threads,
 * one call at a time.
 */
public interface RunObserver {
    /** The health server answers on {@code port} (liveness first, before any database work). */
    void healthServer(int port);

    void binaries(PgBinaries binaries);

    /** The tuned settings about to be written; its warnings are for the user. */
    void tuned(TuningPlan plan);

    /** A line of clone progress (pg_basebackup's or the local copy's). */
    void cloneProgress(ReplicaProvisioner.Source source, String line);

    /** The replica's data directory is ready: cloned now ({@code outcome.cloned()} set) or reused. */
    void replica(ReplicaProvisioner.Source source, ReplicaProvisioner.Outcome outcome);

    /** The data directory was initialised or reused and its managed configuration written. */
    void prepared(InstanceConfig config, LocalInstance.Prepared prepared);

    /** PostgreSQL started, crashed or was restarted; {@code superuser} is how the agent connects to it. */
    void server(Supervisor.Event event, ConnectionSpec superuser);

    /**
     * The node is down: stopped by pgwarden ({@code mode} is the shutdown that worked, null when it was
     * already down), or shut down from outside ({@link Supervisor.Outcome#EXITED}).
     */
    void stopped(Supervisor.Outcome outcome, ShutdownMode mode);

    /** A stop request ended the start-up while {@code phase}, before PostgreSQL ran. */
    void notStarted(String phase);

    /**
     * A PostgreSQL that a killed pgwarden left running on the data directory was stopped (it is started again,
     * supervised). Logged by default.
     */
    default void orphanStopped(io.pgwarden.instance.OrphanedServer.Stopped orphan) {
        LoggerFactory.getLogger(RunAgent.class).warn("stopped PostgreSQL (pid {}) left running by pgwarden (pid {}),"
                + " which is gone ({} shutdown); starting it again supervised", orphan.serverPid(), orphan.agentPid(),
                orphan.mode() == null ? "already" : orphan.mode().name().toLowerCase(Locale.ROOT));
    }

    /** Log lines, for a container's log collector. */
    RunObserver LOG = new RunObserver() {
        private final Logger log = LoggerFactory.getLogger(RunAgent.class);

        @Override
        public void healthServer(int port) {
            log.info("health server on port {}", port);
        }

        @Override
        public void binaries(PgBinaries binaries) {
            log.info("binaries: {}", binaries.describe());
        }

        @Override
        public void tuned(TuningPlan plan) {
            plan.warnings().forEach(w -> log.warn("tune: {}", w));
            log.info("tuned {} settings for {} MB and {} CPUs", plan.settings().size(), plan.resources().memoryMb(),
                    plan.resources().cpus());
        }

        @Override
        public void cloneProgress(ReplicaProvisioner.Source source, String line) {
            log.info("replica of {}: {}", source.upstream().address(), line);
        }

        @Override
        public void replica(ReplicaProvisioner.Source source, ReplicaProvisioner.Outcome outcome) {
            if (outcome.cloned() != null) {
                log.info("replica of {}: cloned in {} by {} ({})", source.upstream().address(),
                        Durations.format(outcome.cloned().took()), outcome.cloned().method().flagValue(),
                        outcome.cloned().reason());
            } else {
                log.info("replica of {}: data directory reused", source.upstream().address());
            }
        }

        @Override
        public void prepared(InstanceConfig config, LocalInstance.Prepared prepared) {
            log.info("data directory {}: {}", config.dataDir(), prepared.initialised() ? "initialised" : "reused");
        }

        @Override
        public void server(Supervisor.Event event, ConnectionSpec superuser) {
            switch (event.kind()) {
                case STARTED -> log.info("PostgreSQL started (pid {})", event.pid());
                case RESTARTED -> log.info("PostgreSQL restarted (pid {}): {}", event.pid(), event.reason());
                case CRASHED -> log.warn("PostgreSQL crashed: {}", event.reason());
            }
        }

        @Override
        public void notStarted(String phase) {
            log.info("stopped while {}; PostgreSQL was not started", phase);
        }

        @Override
        public void stopped(Supervisor.Outcome outcome, ShutdownMode mode) {
            if (outcome == Supervisor.Outcome.EXITED) {
                log.warn("PostgreSQL was shut down from outside pgwarden; the agent ends");
            } else {
                log.info("PostgreSQL stopped ({} shutdown)", mode == null ? "already" : mode.name().toLowerCase(Locale.ROOT));
            }
        }
    };
}
