package io.pgwarden.instance;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.ProcessRunner;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The replica step of {@code up --replica-of} and {@code run --replica-of}, before {@link LocalInstance#prepare()}:
 * a new or empty data directory is cloned from the primary ({@link ReplicaCloner}); a replica's directory
 * ({@code standby.signal}) is reused, its password file rewritten for the given upstream and its role and slot
 * ensured on the primary when it answers (a primary after a failover has no slot for it yet); a former primary's directory is refused (that is
 * {@link Rejoiner}'s job); a directory a running server owns is refused before either. Either way the returned configuration carries the standby settings, so every
 * start rewrites them into the managed include, and the settings a hot standby needs at least as high as its
 * primary's are raised to the primary's ({@link HotStandbySettings}).
 */
public final class ReplicaProvisioner {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReplicaProvisioner.class);
    private final ProcessRunner runner;
    private final ServerFiles files;
    private final PgBinaries binaries;
    private final Clock clock;

    public ReplicaProvisioner(ProcessRunner runner, ServerFiles files, PgBinaries binaries, Clock clock) {
        this.runner = runner;
        this.files = files;
        this.binaries = binaries;
        this.clock = clock;
    }

    /**
     * Where the replica comes from.
     *
     * @param replicationPasswordFile {@code --replication-password-file}, or null
     */
    public record Source(Upstream upstream, ConnectionSpec primarySuperuser, Path replicationPasswordFile, CloneMethod method) {
    }

    /** The configuration to start with, and what the clone did (null when an existing replica was reused). */
    public record Outcome(InstanceConfig config, ReplicaCloner.Result cloned) {
    }

    public Outcome prepare(InstanceConfig config, Source source, Consumer<String> progress) {
        Upstream up = source.upstream();
        DataDirectory dir = new DataDirectory(config.dataDir());
        if (dir.state() == DataDirectory.State.INITIALIZED) {
            // first: a running server's directory is neither rewritten nor worth a rejoin hint (it may be the primary itself)
            Preflight.requireNotRunning(dir);
            if (!StandbyConfig.isStandby(config.dataDir())) {
                throw new PgWardenException(ErrorCode.INVALID_INPUT, "--replica-of=" + up.address() + ": " + config.dataDir()
                        + " is an existing primary's data directory (no standby.signal); pgwarden will not overwrite it."
                        + " Turn it into a replica with 'pgwarden rejoin --primary " + up.address() + " --data-dir "
                        + config.dataDir() + "', or choose a new or empty --data-dir to clone into.");
            }
            // the upstream may have moved (failover): the password file names host and port, so it is rewritten too,
            // and a new primary has no slot for this node yet
            String password = ReplicationPassword.resolve(files, source.replicationPasswordFile(), config.dataDir(), up.role());
            try {
                new ReplicationSetup().execute(source.primarySuperuser(), up.role(), password, up.slot());
            } catch (PgWardenException e) {
                log.warn("{}: could not check the role and slot on {} ({}); the replica starts anyway and retries streaming",
                        config.dataDir(), up.address(), e.getMessage());
            }
            try {
                new StandbyConfig(files).write(config.dataDir(), up, password);
            } catch (java.io.IOException e) {
                throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot write the standby configuration of "
                        + config.dataDir() + ": " + e + ". Check permissions.", e);
            }
            return new Outcome(StandbyConfig.apply(atLeastPrimary(config, source), up), null);
        }
        ReplicaCloner.checkTarget(config.dataDir());
        String password = ReplicationPassword.resolve(files, source.replicationPasswordFile(), null, up.role());
        ReplicaCloner.Result result = new ReplicaCloner(runner, files, binaries, clock).clone(
                new CloneRequest(config.dataDir(), source.primarySuperuser(), up, password, null), source.method(), progress);
        return new Outcome(StandbyConfig.apply(atLeastPrimary(config, source), up), result);
    }

    /** {@link HotStandbySettings}: raised to the primary's values when it can be asked; unchanged otherwise. */
    private static InstanceConfig atLeastPrimary(InstanceConfig config, Source source) {
        try {
            return HotStandbySettings.raise(config, HotStandbySettings.read(source.primarySuperuser()));
        } catch (java.sql.SQLException e) {
            log.warn("{}: cannot read the primary's max_connections and related settings ({}); if the replica refuses to"
                    + " start with 'insufficient parameter settings', raise them to the primary's values",
                    config.dataDir(), io.pgwarden.pg.PgConnections.describe(e));
            return config;
        }
    }
}
