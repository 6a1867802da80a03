package io.pgwarden.instance;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a former primary into a replica of the new one. First, before anything is stopped or moved, it checks
 * that the new primary answers and can be followed ({@link NewPrimaryCheck}: not this node itself, writable, same
 * major, same cluster unless pg_rewind was ruled out). Then it stops the node cleanly if it runs, rewinds it with
 * {@code pg_rewind} when the binaries have it and the directory allows it (data checksums or
 * wal_log_hints), and otherwise, or when pg_rewind fails, moves the old directory aside and clones
 * afresh ({@link ReplicaCloner}). Either way it keeps the node's own managed configuration (port, listen
 * addresses, tuning, pg_hba.conf), writes the standby configuration and makes sure the role and slot
 * exist on the new primary. A clone that fails puts the old directory back. The {@link Result} says which method
 * was used and why. It does not start the server.
 */
public final class Rejoiner {
    private static final Logger log = LoggerFactory.getLogger(Rejoiner.class);
    /** The node's own files, which pg_rewind and a clone would replace with the new primary's. */
    private static final List<String> OWN_FILES = List.of(ServerConfigWriter.INCLUDE_FILE, "pg_hba.conf");

    private final ProcessRunner runner;
    private final ServerFiles files;
    private final PgBinaries binaries;
    private final Clock clock;

    public Rejoiner(ProcessRunner runner, ServerFiles files, PgBinaries binaries, Clock clock) {
        this.runner = runner;
        this.files = files;
        this.binaries = binaries;
        this.clock = clock;
    }

    /** How the node was brought back. */
    public enum Method { REWIND, CLONE }

    /**
     * @param reason     why this method: what pg_rewind did, or why it was not used
     * @param movedAside where the old directory went before a fresh clone, or null
     */
    public record Result(Method method, String reason, Path movedAside, ShutdownMode stoppedWith) {
    }

    public Result execute(RejoinRequest request, Consumer<String> progress) {
        Path dir = request.dataDir();
        if (new DataDirectory(dir).state() != DataDirectory.State.INITIALIZED) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "--data-dir=" + dir + ": not a PostgreSQL data directory,"
                    + " so there is nothing to rejoin. Clone a new replica with 'pgwarden up --replica-of HOST:PORT'.");
        }
        Upstream up = request.upstream();
        // everything that can refuse the rejoin runs before the node is stopped or its directory moved
        NewPrimaryCheck.Facts primary = new NewPrimaryCheck().verify(dir, request.newPrimarySuperuser(), up.address(),
                !request.rewindAllowed());
        progress.accept("the new primary " + up.address() + " is a writable PostgreSQL " + primary.major() + " (system"
                + " identifier " + primary.systemIdentifier() + ", data directory " + primary.dataDirectory() + ")");
        String password = ReplicationPassword.resolve(files, request.replicationPasswordFile(), dir, up.role());
        String whyNot = new RewindCheck(runner, binaries).blocker(dir, request.rewindAllowed());
        if (whyNot == null) {
            int timeline = new PrimaryCheckpoint().execute(request.newPrimarySuperuser(), dir);
            progress.accept("checkpointed the new primary " + up.address() + " (its control file shows timeline "
                    + timeline + ", which pg_rewind compares with this node's)");
        }
        ShutdownMode stopped = new PostmasterStopper(runner).stop(dir, request.stopTimeout());
        if (stopped != null) {
            progress.accept("stopped the running server of " + dir + " (" + stopped.name().toLowerCase() + " shutdown)");
        }
        Map<String, String> own = readOwnFiles(dir);
        if (whyNot == null) {
            progress.accept("rewinding " + dir + " to the new primary " + up.address() + " with pg_rewind");
            String failure = withOwnLogKept(dir, () -> new Rewind(runner, files, binaries).run(dir, request.newPrimarySuperuser(),
                    request.timeout(), progress));
            if (failure == null) {
                finish(dir, own, request, password);
                return new Result(Method.REWIND, "pg_rewind synchronised " + dir + " with " + up.address(), null, stopped);
            }
            whyNot = "pg_rewind failed: " + failure;
        }
        progress.accept("not using pg_rewind (" + whyNot + "); cloning afresh");
        Path aside = moveAside(dir);
        progress.accept("moved the old data directory to " + aside + " (remove it once the replica is healthy)");
        try {
            CloneRequest clone = new CloneRequest(dir, request.newPrimarySuperuser(), up, password, request.timeout());
            new ReplicaCloner(runner, files, binaries, clock, "--primary").clone(clone, CloneMethod.AUTO, progress);
            finish(dir, own, request, password);
        } catch (RuntimeException e) {
            throw afterMove(dir, aside, e, progress);
        }
        return new Result(Method.CLONE, whyNot, aside, stopped);
    }

    /**
     * A failure after the old directory was moved aside: a failed clone removes what it wrote, so the old directory
     * is moved back; when something is in the way (a clone that succeeded before a later step failed), the message
     * says where the old directory is and how to put it back.
     */
    private static PgWardenException afterMove(Path dir, Path aside, RuntimeException e, Consumer<String> progress) {
        ErrorCode code = e instanceof PgWardenException p ? p.code() : ErrorCode.FAILED;
        String what = e instanceof PgWardenException ? e.getMessage() : e.toString();
        if (!Files.exists(dir)) {
            try {
                Files.move(aside, dir);
                progress.accept("moved the old data directory back to " + dir);
                return new PgWardenException(code, what + " The old data directory was moved back to " + dir
                        + "; its server is stopped.", e);
            } catch (IOException moveBack) {
                e.addSuppressed(moveBack);
            }
        }
        return new PgWardenException(code, what + " The old data directory is at " + aside + "; to go back to it: "
                + (Files.exists(dir) ? "rm -rf " + dir + " && " : "") + "mv " + aside + " " + dir + ".", e);
    }

    private void finish(Path dir, Map<String, String> own, RejoinRequest request, String password) {
        try {
            for (Map.Entry<String, String> e : own.entrySet()) {
                files.write(dir.resolve(e.getKey()), e.getValue(), ServerFiles.OWNER_ONLY_FILE);
            }
            Files.deleteIfExists(dir.resolve("recovery.signal"));
            new StandbyConfig(files).write(dir, request.upstream(), password);
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot write the standby configuration of " + dir + ": " + e, e);
        }
        new ReplicationSetup().execute(request.newPrimarySuperuser(), request.upstream().role(), password, request.upstream().slot());
        log.info("{}: configured as a replica of {}", dir, request.upstream().address());
    }

    /**
     * Runs {@code rewind} with the node's own server log directory ({@value ReplicaCloner#LOG_DIR}) moved out of the
     * data directory: pg_rewind would replace it with the new primary's log (and may not be allowed to write it).
     */
    private static String withOwnLogKept(Path dir, java.util.function.Supplier<String> rewind) {
        Path log = dir.resolve(ReplicaCloner.LOG_DIR);
        Path kept = dir.resolveSibling("." + dir.getFileName() + ".rejoin-log");
        try {
            boolean had = Files.isDirectory(log);
            if (had) {
                ReplicaCloner.removeContents(kept, true);
                Files.move(log, kept);
            }
            try {
                return rewind.get();
            } finally {
                if (had) {
                    ReplicaCloner.removeContents(log, true);
                    Files.move(kept, log);
                }
            }
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot move the server log directory " + log + " aside during"
                    + " pg_rewind: " + e + ". Check permissions of " + dir.getParent() + ".", e);
        }
    }

    private static Map<String, String> readOwnFiles(Path dir) {
        Map<String, String> own = new LinkedHashMap<>();
        for (String name : OWN_FILES) {
            try {
                if (Files.isRegularFile(dir.resolve(name))) {
                    own.put(name, Files.readString(dir.resolve(name)));
                }
            } catch (IOException e) {
                log.warn("{}: cannot read {} ({}); the new primary's copy will be used", dir, name, e.getMessage());
            }
        }
        return own;
    }

    private Path moveAside(Path dir) {
        String stamp = LocalDateTime.ofInstant(clock.now(), ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path aside = dir.resolveSibling(dir.getFileName() + ".before-rejoin-" + stamp);
        try {
            Files.move(dir, aside);
            return aside;
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot move " + dir + " aside to " + aside + " for a fresh clone: "
                    + e + ". If the data directory is a mount point, use a subdirectory of it as --data-dir.", e);
        }
    }

    /** Runs pg_rewind against the new primary. */
    static final class Rewind {
        private final ProcessRunner runner;
        private final ServerFiles files;
        private final PgBinaries binaries;

        Rewind(ProcessRunner runner, ServerFiles files, PgBinaries binaries) {
            this.runner = runner;
            this.files = files;
            this.binaries = binaries;
        }

        /** Null on success, else the end of pg_rewind's output. */
        String run(Path dir, ConnectionSpec source, java.time.Duration timeout, Consumer<String> progress) {
            try (SecretDirectory secrets = new SecretDirectory(files, "pgwarden-rewind-")) {
                Path passfile = secrets.resolve("pgpass");
                PgPassFile.write(files, passfile, source.host(), source.port(), source.user(),
                        source.password() == null ? "" : source.password());
                String conninfo = "host=" + StandbyConfig.quote(source.host()) + " port=" + source.port() + " user="
                        + StandbyConfig.quote(source.user()) + " dbname=" + StandbyConfig.quote(source.database())
                        + " passfile=" + StandbyConfig.quote(passfile.toString()) + " application_name=pgwarden-rejoin";
                List<String> command = files.privileges().asServerUser(List.of(binaries.program("pg_rewind").toString(),
                        "--target-pgdata=" + dir, "--source-server=" + conninfo, "--progress"));
                ProcessResult r = runner.run(command, dir, Map.of("LC_ALL", "C.UTF-8"), timeout);
                (r.stderr() + r.stdout()).lines().filter(l -> !l.isBlank()).forEach(progress);
                return r.ok() ? null : r.tail(4).replace(System.lineSeparator(), " / ");
            } catch (IOException e) {
                return e.toString();
            }
        }
    }
}
