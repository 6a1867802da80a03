package io.pgwarden.instance;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.pg.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clones a streaming replica into a new or empty data directory: refuses anything else, prepares the
 * primary ({@link ReplicationSetup}: role, password, slot), copies with the chosen {@link CloneStrategy}
 * ({@link BaseBackupClone} when the binaries have pg_basebackup, else {@link LocalCopyClone}) and writes
 * the standby configuration ({@link StandbyConfig}). A failed clone leaves the directory as it found it
 * and drops the slot it created.
 */
public final class ReplicaCloner {
    private static final Logger log = LoggerFactory.getLogger(ReplicaCloner.class);
    /** pgwarden's default server log directory inside the data directory; the primary's log is not the replica's. */
    static final String LOG_DIR = "log";

    private final ProcessRunner runner;
    private final ServerFiles files;
    private final PgBinaries binaries;
    private final Clock clock;
    /** The flag that named the primary ({@code --replica-of}, {@code --primary} for rejoin), for error hints. */
    private final String primaryFlag;

    public ReplicaCloner(ProcessRunner runner, ServerFiles files, PgBinaries binaries, Clock clock) {
        this(runner, files, binaries, clock, "--replica-of");
    }

    public ReplicaCloner(ProcessRunner runner, ServerFiles files, PgBinaries binaries, Clock clock, String primaryFlag) {
        this.runner = runner;
        this.files = files;
        this.binaries = binaries;
        this.clock = clock;
        this.primaryFlag = primaryFlag;
    }

    /** What the clone did: the method, why it was chosen, how much was copied, how long it took. */
    public record Result(CloneMethod method, String reason, long bytes, Duration took, boolean slotCreated) {
    }

    public Result clone(CloneRequest request, CloneMethod requested, Consumer<String> progress) {
        Path target = request.target();
        checkTarget(target);
        new ServerUserAccess(files.privileges()).checkDataDirectory(target, new DataDirectory(target).state());
        CloneStrategy strategy = choose(requested);
        String reason = reason(requested, strategy.method());
        checkMajor(request);
        long start = clock.nanoTime();
        boolean created = !Files.exists(target);
        ReplicationSetup setup = new ReplicationSetup();
        ReplicationSetup.Result prepared = null;
        boolean done = false;
        try {
            files.createPrivateDirectory(target);
            prepared = setup.execute(request.primarySuperuser(), request.upstream().role(), request.replicationPassword(),
                    request.upstream().slot());
            progress.accept("cloning " + target + " from " + request.upstream().address() + " by " + strategy.method().flagValue()
                    + ": " + reason);
            long bytes = strategy.copy(request, progress);
            removeContents(target.resolve(LOG_DIR), false);
            new StandbyConfig(files).write(target, request.upstream(), request.replicationPassword());
            done = true;
            Duration took = Duration.ofNanos(clock.nanoTime() - start);
            log.info("{}: cloned from {} by {} ({} bytes)", target, request.upstream().address(), strategy.method().flagValue(), bytes);
            return new Result(strategy.method(), reason, bytes, took, prepared.slotCreated());
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot clone into " + target + ": " + e
                    + ". Check permissions and free space.", e);
        } finally {
            if (!done) {
                removeContents(target, created);
                if (prepared != null && prepared.slotCreated()) {
                    setup.dropSlot(request.primarySuperuser(), request.upstream().slot());
                }
            }
        }
    }

    /** Only a missing or empty directory may receive a clone. */
    public static void checkTarget(Path target) {
        DataDirectory dir = new DataDirectory(target);
        switch (dir.state()) {
            case MISSING, EMPTY -> { }
            case INITIALIZED -> throw new PgWardenException(ErrorCode.INVALID_INPUT, "--data-dir=" + target
                    + ": already holds a PostgreSQL " + dir.versionText() + " data directory; pgwarden will not clone a"
                    + " replica over it. Start it as it is with 'pgwarden up', turn a former primary into a replica with"
                    + " 'pgwarden rejoin --primary HOST:PORT', or choose a new or empty directory.");
            case NOT_A_DIRECTORY -> throw new PgWardenException(ErrorCode.INVALID_INPUT, "--data-dir=" + target
                    + ": this is a file, not a directory; choose a new or empty directory for the replica.");
            case FOREIGN -> throw new PgWardenException(ErrorCode.INVALID_INPUT, "--data-dir=" + target
                    + ": cannot clone a replica into a non-empty directory (it contains '" + firstEntry(target)
                    + "'); pgwarden never overwrites existing files. Choose a new or empty directory, or empty this one first.");
        }
    }

    CloneStrategy choose(CloneMethod requested) {
        boolean hasBaseBackup = binaries.has("pg_basebackup");
        if (requested == CloneMethod.BASE_BACKUP && !hasBaseBackup) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "--clone-method=base-backup: there is no pg_basebackup in "
                    + binaries.binDir() + " (" + binaries.reason() + "). Use --pg-bin with a full installation, or"
                    + " --clone-method=local-copy when the primary runs on this machine.");
        }
        boolean base = requested == CloneMethod.BASE_BACKUP || (requested == CloneMethod.AUTO && hasBaseBackup);
        return base ? new BaseBackupClone(runner, files, binaries, clock) : new LocalCopyClone(files, clock);
    }

    private String reason(CloneMethod requested, CloneMethod chosen) {
        if (requested != CloneMethod.AUTO) {
            return "requested with --clone-method=" + requested.flagValue();
        }
        return chosen == CloneMethod.BASE_BACKUP ? "pg_basebackup is available in " + binaries.binDir()
                : binaries.binDir() + " has no pg_basebackup (server-only binaries), so the primary's data directory is"
                + " copied on this machine between pg_backup_start and pg_backup_stop";
    }

    private void checkMajor(CloneRequest request) {
        try (Connection c = PgConnections.open(request.primarySuperuser()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            rs.next();
            int major = rs.getInt(1);
            if (major != binaries.version().major()) {
                throw new PgWardenException(ErrorCode.INVALID_INPUT, "The primary " + request.upstream().address()
                        + " runs PostgreSQL " + major + ", but the replica's binaries are PostgreSQL " + binaries.fullVersion()
                        + " (" + binaries.reason() + "); a streaming replica needs the same major. Run with --pg-version " + major + ".");
            }
        } catch (SQLException e) {
            throw new PgWardenException(ErrorCode.FAILED, "Cannot connect to the primary " + request.primarySuperuser().display()
                    + ": " + PgConnections.describe(e) + ". Check " + primaryFlag + ", --primary-user and its password"
                    + " (--primary-password-file or PGPASSWORD).", e);
        }
    }

    private static String firstEntry(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    /** Removes what a failed clone wrote: the whole directory if it was created, else its contents. */
    static void removeContents(Path dir, boolean removeDir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                if (removeDir || !p.equals(dir)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            log.warn("could not remove the partial clone in {}: {}; remove it by hand before retrying", dir, e.getMessage());
        }
    }
}
