package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.instance.InstanceConfig;
import io.pgwarden.instance.ReplicaProvisioner;
import io.pgwarden.instance.ServerFiles;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.SystemProcessRunner;
import io.pgwarden.topology.NodeAddress;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --replica-of HOST:PORT} and the replication flags, for {@code up}: resolves them and runs the
 * {@link ReplicaProvisioner} (clone into an empty directory, or reuse a replica's), printing its progress.
 */
public final class UpReplica {
    @Option(names = "--replica-of", paramLabel = "HOST:PORT",
            description = "Run as a streaming replica of this primary; an empty --data-dir is cloned from it first"
                    + " (pg_basebackup, or a local copy with server-only binaries). Env: PGWARDEN_REPLICA_OF.")
    String replicaOf;

    @Mixin
    ReplicationFlags replication;

    /** The replica source, or null without --replica-of; throws INVALID_INPUT listing every problem. */
    ReplicaProvisioner.Source source(ConfigSources sources, java.nio.file.Path dataDir) {
        Problems problems = new Problems();
        NodeAddress primary = sources.resolve(problems, null, ReplicationFlags::address, "--replica-of", replicaOf,
                "PGWARDEN_REPLICA_OF");
        if (primary == null) {
            problems.throwIfAny();
            return null;
        }
        ReplicationFlags.Resolved r = replication.resolve(sources, problems, primary, dataDir, null);
        problems.throwIfAny();
        return new ReplicaProvisioner.Source(r.upstream(), r.primarySuperuser(), r.replicationPasswordFile(), r.method());
    }

    /** {@code config} unchanged without --replica-of; else after the clone (if any), with the standby settings. */
    InstanceConfig prepare(ConfigSources sources, InstanceConfig config, PgBinaries binaries, ServerFiles files, PrintWriter out) {
        ReplicaProvisioner.Source source = source(sources, config.dataDir());
        if (source == null) {
            return config;
        }
        ReplicaProvisioner.Outcome outcome = new ReplicaProvisioner(new SystemProcessRunner(), files, binaries, Clock.SYSTEM)
                .prepare(config, source, line -> {
                    out.println("clone: " + line);
                    out.flush();
                });
        if (outcome.cloned() != null) {
            out.println("replica: cloned in " + Durations.format(outcome.cloned().took()) + " by "
                    + outcome.cloned().method().flagValue() + " (" + outcome.cloned().reason() + "); slot '"
                    + source.upstream().slot() + "' and role '" + source.upstream().role() + "' on " + source.upstream().address());
        } else {
            out.println("replica: following " + source.upstream().address() + " (slot '" + source.upstream().slot() + "')");
        }
        out.flush();
        return outcome.config();
    }
}
