package io.pgwarden.cli;

import io.pgwarden.agent.EndpointsConfig;
import io.pgwarden.agent.EndpointsRuntime;
import io.pgwarden.topology.ClusterSnapshot;
import io.pgwarden.topology.ReconcileResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pgwarden endpoints reconcile}: one probe, one decision, one publish; for a CronJob. */
@Command(name = "reconcile", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Probes every node once, publishes what differs, and exits.",
                "A drop-in for a CronJob: one snapshot, the same decision as watch, no retries (exit 4: run it again).",
                "The probes' password comes from --password-file (PGWARDEN_PASSWORD_FILE) or PGPASSWORD, never a flag.",
                "",
                "Examples:",
                "  PG_NODES=10.0.0.1,10.0.0.2 NAMESPACE=db RW_SERVICE=pg-rw RO_SERVICE=pg-ro \\",
                "    pgwarden endpoints reconcile",
                "  pgwarden endpoints reconcile --nodes 127.0.0.1:5433,127.0.0.1:5434 \\",
                "    --file topology.json --max-lag 16MB",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:published, or everything already matched", "1:no reachable primary; nothing was changed",
                "2:invalid flag or environment variable", "3:more than one primary (split brain); nothing was changed",
                "4:a publisher failed (the others were still applied)"})
public final class EndpointsReconcileCommand extends AbstractCommand {
    private static final Logger log = LoggerFactory.getLogger(EndpointsReconcileCommand.class);

    @Mixin
    EndpointsOptions options;

    @Override
    protected int execute() {
        EndpointsConfig config = options.resolve(env());
        ReconcileResult result = EndpointsRuntime.reconcileOnce(config);
        switch (result.decision().outcome()) {
            case SPLIT_BRAIN -> log.error("endpoints reconcile: {}", result.summary());
            case NO_PRIMARY -> log.warn("endpoints reconcile: {}", result.summary());
            default -> log.info("endpoints reconcile: {}", result.summary());
        }
        out().println(result.summary());
        ClusterSnapshot snapshot = result.decision().snapshot();
        out().println("  probed " + snapshot.nodes().size() + " nodes in " + snapshot.elapsed().toMillis() + " ms");
        result.publishers().forEach(p -> out().println("  " + p));
        out().flush();
        return result.exitCode();
    }
}
