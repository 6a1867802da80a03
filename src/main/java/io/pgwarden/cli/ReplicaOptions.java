package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.instance.ReplicaProvisioner;
import io.pgwarden.topology.NodeAddress;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --replica-of HOST:PORT} and the replication flags of {@code up} and {@code run}: resolved into the
 * {@link ReplicaProvisioner.Source} the agent clones from (into an empty directory) or follows.
 */
public final class ReplicaOptions {
    @Option(names = "--replica-of", paramLabel = "HOST:PORT",
            description = "Run as a streaming replica of this primary; an empty --data-dir is cloned from it first"
                    + " (pg_basebackup, or a local copy with server-only binaries). Env: PGWARDEN_REPLICA_OF.")
    String replicaOf;

    @Mixin
    ReplicationFlags replication;

    /** The replica source, or null without --replica-of; every invalid value is added to {@code problems}. */
    ReplicaProvisioner.Source source(ConfigSources sources, Problems problems, Path dataDir) {
        NodeAddress primary = sources.resolve(problems, null, ReplicationFlags::address, "--replica-of", replicaOf,
                "PGWARDEN_REPLICA_OF");
        if (primary == null) {
            return null;
        }
        ReplicationFlags.Resolved r = replication.resolve(sources, problems, primary, dataDir, null);
        return r == null ? null : new ReplicaProvisioner.Source(r.upstream(), r.primarySuperuser(), r.replicationPasswordFile(), r.method());
    }
}
