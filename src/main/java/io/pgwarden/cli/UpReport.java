package io.pgwarden.cli;

import io.pgwarden.agent.RunObserver;
import io.pgwarden.core.Durations;
import io.pgwarden.instance.InstanceConfig;
import io.pgwarden.instance.LocalInstance;
import io.pgwarden.instance.ReplicaProvisioner;
import io.pgwarden.instance.ShutdownMode;
import io.pgwarden.instance.Supervisor;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.Privileges;
import io.pgwarden.tune.TuningPlan;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * How {@code up} tells a person at a terminal what happened: one result line per step on stdout
 * ({@code health:}, {@code binaries:}, {@code data directory:}, {@code configuration:}, {@code ready:},
 * {@code stopped:}; {@code clone:} and {@code replica:} for a replica), warnings and crash reports on stderr.
 * Scripts wait for the {@code ready:} line.
 */
final class UpReport implements RunObserver {
    private final PrintWriter out;
    private final PrintWriter err;
    private final Privileges privileges;
    private final String healthHost;
    private final String dataDirOrigin;
    private int tunedSettings;
    private String version = "";
    private String ready;

    /**
     * @param healthAddress where the health server was asked to bind (the port comes with {@link #healthServer})
     * @param dataDirOrigin "from PGDATA" when the data directory did not come from the flag, else null
     */
    UpReport(PrintWriter out, PrintWriter err, Privileges privileges, InetSocketAddress healthAddress, String dataDirOrigin) {
        this.out = out;
        this.err = err;
        this.privileges = privileges;
        String host = healthAddress.getHostString();
        this.healthHost = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
        this.dataDirOrigin = dataDirOrigin;
    }

    @Override
    public void healthServer(int port) {
        line(out, "health: http://" + healthHost + ":" + port + "/readiness (also /liveness, /primary, /replica, /health,"
                + " /metrics)");
    }

    @Override
    public void binaries(PgBinaries binaries) {
        version = binaries.version() + " ";
        line(out, "binaries: " + binaries.describe());
    }

    @Override
    public void tuned(TuningPlan plan) {
        tunedSettings = plan.settings().size();
        // with --log-format json every stderr line is JSON: warnings become log lines
        plan.warnings().forEach(w -> {
            if (io.pgwarden.core.log.LogSettings.isJson()) {
                org.slf4j.LoggerFactory.getLogger(UpCommand.class).warn(w);
            } else {
                err.println("warning: " + w);
            }
        });
        err.flush();
    }

    @Override
    public void orphanStopped(io.pgwarden.instance.OrphanedServer.Stopped orphan) {
        line(out, "orphan: stopped PostgreSQL (pid " + orphan.serverPid() + ") left running by pgwarden (pid "
                + orphan.agentPid() + "), which is gone (" + (orphan.mode() == null ? "already"
                : orphan.mode().name().toLowerCase(java.util.Locale.ROOT)) + " shutdown); starting it again supervised");
    }

    @Override
    public void cloneProgress(ReplicaProvisioner.Source source, String line) {
        line(out, "clone: " + line);
    }

    @Override
    public void replica(ReplicaProvisioner.Source source, ReplicaProvisioner.Outcome outcome) {
        if (outcome.cloned() != null) {
            line(out, "replica: cloned in " + Durations.format(outcome.cloned().took()) + " by "
                    + outcome.cloned().method().flagValue() + " (" + outcome.cloned().reason() + "); slot '"
                    + source.upstream().slot() + "' and role '" + source.upstream().role() + "' on " + source.upstream().address());
        } else {
            line(out, "replica: following " + source.upstream().address() + " (slot '" + source.upstream().slot() + "')");
        }
    }

    @Override
    public void prepared(InstanceConfig config, LocalInstance.Prepared prepared) {
        line(out, "data directory: " + config.dataDir() + (dataDirOrigin == null ? "" : " (" + dataDirOrigin + ")")
                + (prepared.initialised() ? ", initialised now (checksums, C.UTF-8, UTF8, scram-sha-256)"
                : ", existing PostgreSQL " + version + "data reused")
                + (privileges.isRoot() ? ", owned by " + privileges.effectiveServerUser() : ""));
        line(out, "configuration: " + prepared.config().includeFile() + " (" + tunedSettings + " tuned settings), "
                + prepared.config().hbaFile()
                + (prepared.config().hbaManaged() ? " (loopback" + (config.allowedNetworks().isEmpty() ? "" : ", "
                + String.join(", ", config.allowedNetworks())) + ")" : " (yours; not managed by pgwarden)")
                + (config.serverLog() == null ? "" : ", server log " + config.serverLog()));
        String url = ConnectionSpec.fromEnv(Map.of()).withHostPort(config.clientHost(), config.port())
                .withUser(config.superuser(), null).withDatabase("postgres").display();
        ready = "ready: " + url + " (" + (prepared.passwordFile() == null
                ? "no password file: this data directory was not initialised by pgwarden"
                : "password file: " + prepared.passwordFile()) + ")";
    }

    @Override
    public void server(Supervisor.Event event, ConnectionSpec superuser) {
        switch (event.kind()) {
            case STARTED -> line(out, ready);
            case RESTARTED -> line(err, "restarted: PostgreSQL is accepting connections again (pid " + event.pid() + ")");
            case CRASHED -> line(err, "crashed: " + event.reason());
        }
    }

    @Override
    public void notStarted(String phase) {
        line(out, "stopped: while " + phase + "; PostgreSQL was not started");
    }

    @Override
    public void stopped(Supervisor.Outcome outcome, ShutdownMode mode) {
        line(out, outcome == Supervisor.Outcome.EXITED ? "stopped: PostgreSQL was shut down from outside pgwarden (exit 0)"
                : mode == ShutdownMode.IMMEDIATE ? "stopped: PostgreSQL was stopped immediately, without a checkpoint;"
                        + " the next start runs crash recovery (no committed data is lost)"
                : "stopped: PostgreSQL shut down cleanly" + (mode == ShutdownMode.FAST ? " (fast: clients were disconnected)"
                : ""));
    }

    private static void line(PrintWriter to, String text) {
        to.println(text);
        to.flush();
    }
}
