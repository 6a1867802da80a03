package io.pgwarden.instance;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.Privileges;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;

/**
 * Everything that can be checked before a single byte is written: what is at the data directory,
 * whether its major matches the binaries, whether a server already runs on it, whether the port is
 * free, whether the user PostgreSQL runs as exists and can own the directory ({@link ServerUserAccess}), and
 * (as root) whether the server user can reach the directory. A failure here leaves the disk exactly as it was.
 */
public final class Preflight {
    private final Privileges privileges;

    public Preflight(Privileges privileges) {
        this.privileges = privileges;
    }

    /** The data directory's state; {@link #needsInit()} when initdb must run. */
    public record Result(DataDirectory.State state) {
        public boolean needsInit() {
            return state == DataDirectory.State.MISSING || state == DataDirectory.State.EMPTY;
        }
    }

    /** Only what can be said from the directory alone (used before binaries are chosen). */
    public Result inspect(InstanceConfig config) {
        DataDirectory dir = new DataDirectory(config.dataDir());
        DataDirectory.State state = dir.state();
        // before the state is judged: a directory this user may not read looks foreign, but the owner is the problem
        new ServerUserAccess(privileges).check(dir.path(), state, config.passwordFile());
        switch (state) {
            case NOT_A_DIRECTORY -> throw invalid("--data-dir=" + dir.path() + ": this is a file, not a directory;"
                    + " choose a new or empty directory, or an existing data directory.");
            case FOREIGN -> throw invalid("--data-dir=" + dir.path() + ": the directory is not empty and is not a"
                    + " PostgreSQL data directory (no PG_VERSION); pgwarden will not initialise over existing files."
                    + (Files.exists(dir.path().resolve("lost+found"))
                    ? " It looks like a mount point (lost+found); use a subdirectory of it, e.g. " + dir.path().resolve("pgdata") + "."
                    : " Choose a new or empty directory."));
            case INITIALIZED -> {
                if (dir.version().isEmpty()) {
                    throw invalid("--data-dir=" + dir.path() + ": PG_VERSION says '" + dir.versionText()
                            + "', which pgwarden cannot run (supported: 15 to 18).");
                }
            }
            default -> { }
        }
        requireDirectoryAncestors("--data-dir", dir.path());
        if (state == DataDirectory.State.INITIALIZED) {
            // before the port: a server on this directory is the real cause of a taken port
            requireNotRunning(dir);
            checkPasswordFileKept(dir, config);
        } else {
            checkPasswordFileLocation(config.passwordFile());
        }
        if (state != DataDirectory.State.INITIALIZED && !config.passwordFile().startsWith(dir.path())
                && Files.exists(config.passwordFile())) {
            // worded so that no "password:" appears: secret masking would hide the words after it
            throw invalid("--password-file=" + config.passwordFile() + " already exists, but " + dir.path()
                    + " is new, so a new password would replace it. Move the file away or choose another path.");
        }
        return new Result(state);
    }

    /**
     * Where a new password file will be written: not a directory, and every existing ancestor a directory,
     * so that writing it after initdb cannot fail on the layout (and leave a data directory nobody can log in to).
     */
    private static void checkPasswordFileLocation(Path file) {
        if (Files.isDirectory(file)) {
            throw invalid("--password-file=" + file + ": this is a directory; the password file must be a file path,"
                    + " e.g. " + file.resolve(InstanceConfig.PASSWORD_FILE_NAME) + ".");
        }
        requireDirectoryAncestors("--password-file", file);
    }

    /** Each existing ancestor of {@code path} must be a directory, or nothing can be created below it. */
    private static void requireDirectoryAncestors(String flag, Path path) {
        for (Path p = path.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw invalid(flag + "=" + path + ": " + p + " is a file, not a directory, so nothing can be"
                            + " created below it; choose a path whose parent is a directory.");
                }
                return;
            }
        }
    }

    /**
     * A directory pgwarden initialised (its pg_hba.conf is managed: scram-sha-256 only) is useless without its
     * password file; say so instead of starting a server nobody can log in to. Replicas are exempt (their
     * superuser password lives with the primary).
     */
    private static void checkPasswordFileKept(DataDirectory dir, InstanceConfig config) {
        Path hba = dir.path().resolve("pg_hba.conf");
        boolean managed;
        try {
            managed = Files.isRegularFile(hba) && Files.readString(hba).startsWith(ServerConfigWriter.HBA_MARKER);
        } catch (IOException e) {
            return; // unreadable: not ours to judge; the server will complain if it matters
        }
        if (managed && !Files.exists(dir.path().resolve("standby.signal")) && !Files.exists(config.passwordFile())) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Data directory " + dir.path() + " was initialised by"
                    + " pgwarden, but its password file " + config.passwordFile() + " is missing, and pg_hba.conf"
                    + " accepts only scram-sha-256 passwords, so nobody could log in. If the file was moved, point"
                    + " --password-file at it. If the password is lost, reset it (see 'Lost password' in"
                    + " docs/instance.md: echo \"ALTER ROLE " + config.superuser() + " PASSWORD 'NEW'\" | postgres"
                    + " --single -D " + dir.path() + " postgres, run as the server user, then write NEW to "
                    + config.passwordFile() + " with mode 0600), or remove " + dir.path() + " to start over (its data is lost).");
        }
    }

    /** Everything else, once the binaries are known; call right before init/start. */
    public Result check(InstanceConfig config, PgBinaries binaries) {
        Result result = inspect(config);
        DataDirectory dir = new DataDirectory(config.dataDir());
        if (result.state() == DataDirectory.State.INITIALIZED) {
            int major = dir.version().orElseThrow().major();
            if (major != binaries.version().major()) {
                throw invalid("Data directory " + dir.path() + " was initialised by PostgreSQL " + major
                        + ", but the chosen binaries are PostgreSQL " + binaries.fullVersion() + " (" + binaries.reason()
                        + "). Run with --pg-version " + major + " (or --pg-bin pointing at PostgreSQL " + major
                        + "), or upgrade the directory with pg_upgrade first.");
            }
            requireNotRunning(dir);
        }
        checkPortFree(config);
        if (privileges.isRoot()) {
            checkReachable(dir.path());
        }
        return result;
    }

    /** Fails (FAILED, exit 1) when a live postmaster owns the directory ({@link DataDirectory#runningPostmaster()}). */
    public static void requireNotRunning(DataDirectory dir) {
        Optional<Long> running = dir.runningPostmaster();
        if (running.isPresent()) {
            Optional<OrphanedServer.Agent> agent = OrphanedServer.startedBy(running.get()).filter(OrphanedServer.Agent::alive);
            // kill works as root and as the server's owner; pg_ctl refuses root
            throw new PgWardenException(ErrorCode.FAILED, "Data directory " + dir.path()
                    + " is in use by a running PostgreSQL (pid " + running.get() + "); stop it first" + (agent.isPresent()
                    ? " (it is supervised by pgwarden, pid " + agent.get().pid() + ": Ctrl-C in its terminal, or kill -TERM "
                    + agent.get().pid() + ")"
                    : " (kill -INT " + running.get() + ": a fast shutdown, as root or as its owner)") + ", or use another --data-dir.");
        }
    }

    /** Ports after a taken one tried for a suggestion; enough to skip a neighbour or two, cheap to bind-test. */
    private static final int SUGGESTION_TRIES = 20;

    /** Fails (FAILED, exit 1) when the port is taken on any listen address; binds and releases a socket. */
    public static void checkPortFree(InstanceConfig config) {
        for (String address : config.listenAddresses()) {
            try {
                bindAndRelease(address, config.port());
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("Cannot assign requested address")) {
                    throw new PgWardenException(ErrorCode.INVALID_INPUT, "--listen=" + address + ": this machine has no"
                            + " such address, so PostgreSQL could not listen on it; use one of its own addresses,"
                            + " 127.0.0.1, or * for all.", e);
                }
                throw new PgWardenException(ErrorCode.FAILED, "Port " + config.port() + " on " + address
                        + " is already in use (is another PostgreSQL running?): " + e.getMessage()
                        + ". Choose a free port with --port" + suggestion(config) + ".");
            }
        }
    }

    /** ", e.g. --port N" for the first following port that is free on every listen address right now, or "". */
    private static String suggestion(InstanceConfig config) {
        for (int port = config.port() + 1; port <= Math.min(65535, config.port() + SUGGESTION_TRIES); port++) {
            boolean free = true;
            for (String address : config.listenAddresses()) {
                try {
                    bindAndRelease(address, port);
                } catch (IOException e) {
                    free = false;
                    break;
                }
            }
            if (free) {
                return ", e.g. --port " + port;
            }
        }
        return "";
    }

    private static void bindAndRelease(String address, int port) throws IOException {
        String host = address.equals("*") ? "0.0.0.0" : address;
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // as PostgreSQL does: a port in TIME_WAIT is free, a listening one is not
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        }
    }

    /** The server user must be able to enter every existing ancestor of the data directory. */
    private void checkReachable(Path dataDir) {
        for (Path p = dataDir.getParent(); p != null; p = p.getParent()) {
            if (!Files.exists(p)) {
                continue;
            }
            try {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
                boolean others = a.permissions().contains(PosixFilePermission.OTHERS_EXECUTE);
                boolean owner = a.owner().getName().equals(privileges.effectiveServerUser());
                if (!others && !owner) {
                    throw new PgWardenException(ErrorCode.ENVIRONMENT, "PostgreSQL runs as '"
                            + privileges.effectiveServerUser() + "' and cannot enter " + p + " (owner " + a.owner().getName()
                            + ", mode " + java.nio.file.attribute.PosixFilePermissions.toString(a.permissions())
                            + "), so it cannot reach " + dataDir + ". Choose a --data-dir it can reach, e.g. /var/lib/pgwarden/data.");
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private static PgWardenException invalid(String message) {
        return new PgWardenException(ErrorCode.INVALID_INPUT, message);
    }
}
