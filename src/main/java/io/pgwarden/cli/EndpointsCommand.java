package io.pgwarden.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pgwarden endpoints}: groups reconcile and watch; shows help when run alone. */
@Command(name = "endpoints", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Keeps clients pointed at the right PostgreSQL nodes.",
                "Probes every node, decides who is the primary and which replicas are healthy, and publishes that to "
                        + "Kubernetes Endpoints/EndpointSlices, PgBouncer and/or a JSON file.",
                "The probes' password comes from --password-file (PGWARDEN_PASSWORD_FILE) or PGPASSWORD, never a flag.",
                "",
                "Examples:",
                "  PG_NODES=10.0.0.1,10.0.0.2,10.0.0.3 NAMESPACE=db \\",
                "    RW_SERVICE=pg-rw RO_SERVICE=pg-ro pgwarden endpoints reconcile",
                "  pgwarden endpoints watch --interval 1s --nodes 10.0.0.1,10.0.0.2:5433 \\",
                "    --file /run/pg/topology.json",
                ""},
        subcommands = {EndpointsReconcileCommand.class, EndpointsWatchCommand.class})
public final class EndpointsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        // a script that forgot the subcommand must fail, not print help and "succeed"
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand; choose one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
