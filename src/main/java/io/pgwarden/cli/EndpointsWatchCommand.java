package io.pgwarden.cli;

import io.pgwarden.config.Problems;
import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.agent.EndpointsAgent;
import io.pgwarden.agent.EndpointsConfig;
import io.pgwarden.agent.StopSignal;
import java.net.InetSocketAddress;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden endpoints watch}: reconcile every interval until stopped (SIGTERM/SIGINT). */
@Command(name = "watch", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Reconciles continuously until SIGTERM or SIGINT, then exits 0.",
                "One snapshot per interval, the same decisions as reconcile, each logged with its reason (INFO when it "
                        + "changes, DEBUG otherwise); a failed publisher is retried on the next cycle.",
                "With --health-port (HEALTH_PORT) it also serves /topology (the last decision as JSON: 200, or 503 on "
                        + "no decision yet, a failed cycle, no primary, split brain or a failed publisher), /liveness "
                        + "(503 when the loop is stuck) and /metrics.",
                "The probes' password comes from --password-file (PGWARDEN_PASSWORD_FILE) or PGPASSWORD, never a flag.",
                "",
                "Examples:",
                "  PG_NODES=10.0.0.1,10.0.0.2 NAMESPACE=db RW_SERVICE=pg-rw RO_SERVICE=pg-ro \\",
                "    pgwarden endpoints watch --interval 1s",
                "  pgwarden endpoints watch --interval 500ms --nodes 10.0.0.1,10.0.0.2 \\",
                "    --pgbouncer-ini /etc/pgbouncer/pgbouncer.ini",
                "  pgwarden endpoints watch --nodes 10.0.0.1,10.0.0.2 --file /run/topology.json \\",
                "    --health-port 8009     # then: curl -f http://127.0.0.1:8009/topology",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by SIGTERM or SIGINT (after the current cycle)",
                "2:invalid flag or environment variable"})
public final class EndpointsWatchCommand extends AbstractCommand {
    /** Fast enough that clients follow a failover within about a second, cheap enough for the nodes and the API server. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    @Mixin
    EndpointsOptions options;

    @Option(names = "--interval", paramLabel = "DURATION", description = "Time between cycles, e.g. 1s or 500ms. Env: WATCH_INTERVAL. Default: 1s.")
    String interval;

    @Option(names = "--health-port", paramLabel = "PORT",
            description = "Serve /topology, /liveness and /metrics over HTTP on this port (0 picks a free one). "
                    + "Env: HEALTH_PORT. Default: none (no HTTP server).")
    String healthPort;

    @Option(names = "--health-address", paramLabel = "ADDRESS",
            description = "Address the HTTP server binds when --health-port is given, e.g. 127.0.0.1. Env: HEALTH_ADDRESS. "
                    + "Default: 0.0.0.0 (all).")
    String healthAddress;

    @Override
    protected int execute() throws InterruptedException {
        Problems problems = new Problems();
        var src = sources(options.config);
        Duration every = src.resolve(problems, DEFAULT_INTERVAL, EndpointsWatchCommand::interval, "--interval",
                interval, "WATCH_INTERVAL");
        InetSocketAddress healthAt = null;
        if (src.find("--health-port", healthPort, "HEALTH_PORT").isPresent()) {
            HealthOptions health = new HealthOptions(); // same parsing and error text as run and sidecar
            health.port = healthPort;
            health.address = healthAddress;
            healthAt = health.resolve(src, problems, "0.0.0.0", io.pgwarden.health.HealthServer.DEFAULT_PORT);
        }
        EndpointsConfig config = options.resolve(env(), problems);
        // SIGTERM/SIGINT end the loop after the current cycle and execute() returns 0 (Kubernetes counts 143 as a failure)
        StopSignal stop = StopSignal.install("stopping endpoints watch after the current cycle");
        return new EndpointsAgent(config, every, healthAt, Clock.SYSTEM).run(stop);
    }

    static Duration interval(String v) {
        Duration d = Durations.parse(v);
        if (d.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("expected at least 100ms, e.g. 1s");
        }
        return d;
    }
}
