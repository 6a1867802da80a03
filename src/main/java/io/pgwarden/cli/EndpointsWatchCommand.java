package io.pgwarden.cli;

import io.pgwarden.config.Problems;
import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.topology.WatchLoop;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden endpoints watch}: reconcile every interval until stopped (SIGTERM/SIGINT). */
@Command(name = "watch", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Reconciles continuously until SIGTERM or SIGINT, then exits 0.",
                "One snapshot per interval, the same decisions as reconcile, each logged with its reason (INFO when it "
                        + "changes, DEBUG otherwise); a failed publisher is retried on the next cycle.",
                "The probes' password comes from --password-file (PGWARDEN_PASSWORD_FILE) or PGPASSWORD, never a flag.",
                "",
                "Examples:",
                "  PG_NODES=10.0.0.1,10.0.0.2 NAMESPACE=db RW_SERVICE=pg-rw RO_SERVICE=pg-ro \\",
                "    pgwarden endpoints watch --interval 1s",
                "  pgwarden endpoints watch --interval 500ms --nodes 10.0.0.1,10.0.0.2 \\",
                "    --pgbouncer-ini /etc/pgbouncer/pgbouncer.ini",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by SIGTERM or SIGINT (after the current cycle)",
                "2:invalid flag or environment variable"})
public final class EndpointsWatchCommand extends AbstractCommand {
    private static final Logger log = LoggerFactory.getLogger(EndpointsWatchCommand.class);
    /** Fast enough that clients follow a failover within about a second, cheap enough for the nodes and the API server. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    /** At JVM exit, lets a running cycle (bounded by the probe and API timeouts) finish within Kubernetes' 30 s grace. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(20);

    @Mixin
    EndpointsOptions options;

    @Option(names = "--interval", paramLabel = "DURATION", description = "Time between cycles, e.g. 1s or 500ms. Env: WATCH_INTERVAL. Default: 1s.")
    String interval;

    @Override
    protected int execute() throws InterruptedException {
        Problems problems = new Problems();
        Duration every = sources(options.config).resolve(problems, DEFAULT_INTERVAL, EndpointsWatchCommand::interval, "--interval",
                interval, "WATCH_INTERVAL");
        EndpointsConfig config = options.resolve(env(), problems);
        try (EndpointsRuntime runtime = new EndpointsRuntime(config)) {
            WatchLoop loop = new WatchLoop(runtime.command(), every, Clock.SYSTEM);
            Thread worker = new Thread(loop, "pgwarden-endpoints-watch");
            // SIGTERM/SIGINT end the loop and execute() returns 0 (Kubernetes counts 143 as a failure)
            StopSignals.install("stopping endpoints watch after the current cycle", () -> {
                loop.stop();
                try {
                    worker.join(STOP_WAIT.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            log.info("endpoints watch: {} nodes every {}", config.nodes().size(), Durations.format(every));
            worker.start();
            worker.join();
            return 0;
        }
    }

    static Duration interval(String v) {
        Duration d = Durations.parse(v);
        if (d.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("expected at least 100ms, e.g. 1s");
        }
        return d;
    }
}
