package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.instance.CloneRequest;
import io.pgwarden.instance.DataDirectory;
import io.pgwarden.instance.InstanceConfig;
import io.pgwarden.instance.ReplicaCloner;
import io.pgwarden.instance.ReplicationPassword;
import io.pgwarden.instance.ServerFiles;
import io.pgwarden.instance.StandbyConfig;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.SystemProcessRunner;
import io.pgwarden.topology.NodeAddress;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --replica-of HOST:PORT} for {@code up} (and {@code run}): on a new or empty data directory, clones a
 * streaming replica from the primary first ({@link ReplicaCloner}); on a replica's directory, starts it as it
 * is. Either way the standby settings go into the managed include, so every start follows the primary.
 */
public final class UpReplica {
    @Option(names = "--replica-of", paramLabel = "HOST:PORT",
            description = "Run as a streaming replica of this primary; an empty --data-dir is cloned from it first"
                    + " (pg_basebackup, or a local copy with server-only binaries). Env: PGWARDEN_REPLICA_OF.")
    String replicaOf;

    @Mixin
    ReplicationFlags replication;

    /**
     * {@code config} unchanged without --replica-of; otherwise, after cloning when the directory is empty,
     * {@code config} with the standby settings.
     */
    InstanceConfig prepare(ConfigSources sources, InstanceConfig config, PgBinaries binaries, ServerFiles files, PrintWriter out) {
        Problems problems = new Problems();
        NodeAddress primary = sources.resolve(problems, null, ReplicationFlags::address, "--replica-of", replicaOf,
                "PGWARDEN_REPLICA_OF");
        if (primary == null) {
            problems.throwIfAny();
            return config;
        }
        ReplicationFlags.Resolved r = replication.resolve(sources, problems, primary, config.dataDir(), null);
        problems.throwIfAny();
        DataDirectory dir = new DataDirectory(config.dataDir());
        if (dir.state() == DataDirectory.State.INITIALIZED) {
            if (!StandbyConfig.isStandby(config.dataDir())) {
                throw new PgWardenException(ErrorCode.INVALID_INPUT, "--replica-of=" + replicaOf + ": " + config.dataDir()
                        + " is an existing primary's data directory (no standby.signal); pgwarden will not overwrite it."
                        + " Turn it into a replica with 'pgwarden rejoin --primary " + primary + " --data-dir " + config.dataDir()
                        + "', or choose a new or empty --data-dir to clone into.");
            }
            out.println("replica: " + config.dataDir() + " is already a replica; following " + r.upstream().address());
            return StandbyConfig.apply(config, r.upstream());
        }
        ReplicaCloner.checkTarget(config.dataDir());
        String password = ReplicationPassword.resolve(files, r.replicationPasswordFile(), null, r.upstream().role());
        ReplicaCloner.Result result = new ReplicaCloner(new SystemProcessRunner(), files, binaries, Clock.SYSTEM)
                .clone(new CloneRequest(config.dataDir(), r.primarySuperuser(), r.upstream(), password, null), r.method(),
                        line -> {
                            out.println("clone: " + line);
                            out.flush();
                        });
        out.println("replica: cloned " + io.pgwarden.core.Durations.format(result.took()) + " by " + result.method().flagValue()
                + " (" + result.reason() + "); slot '" + r.upstream().slot() + "' and role '" + r.upstream().role()
                + "' on " + r.upstream().address());
        out.flush();
        return StandbyConfig.apply(config, r.upstream());
    }
}
