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
 * free, and (as root) whether the server user can reach the directory. A failure here leaves the
 * disk exactly as it was.
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
        if (state != DataDirectory.State.INITIALIZED && !config.passwordFile().startsWith(dir.path())
                && Files.exists(config.passwordFile())) {
            // worded so that no "password:" appears: secret masking would hide the words after it
            throw invalid("--password-file=" + config.passwordFile() + " already exists, but " + dir.path()
                    + " is new, so a new password would replace it. Move the file away or choose another path.");
        }
        return new Result(state);
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
            Optional<Long> running = dir.runningPostmaster();
            if (running.isPresent()) {
                throw new PgWardenException(ErrorCode.ENVIRONMENT, "Data directory " + dir.path()
                        + " is in use by a running PostgreSQL (pid " + running.get() + "); stop it first"
                        + " (pg_ctl -D " + dir.path() + " stop) or use another --data-dir.");
            }
        }
        checkPortFree(config);
        if (privileges.isRoot()) {
            checkReachable(dir.path());
        }
        return result;
    }

    /** Fails (ENVIRONMENT) when the port is taken on any listen address; binds and releases a socket. */
    public static void checkPortFree(InstanceConfig config) {
        for (String address : config.listenAddresses()) {
            String host = address.equals("*") ? "0.0.0.0" : address;
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true); // as PostgreSQL does: a port in TIME_WAIT is free, a listening one is not
                s.bind(new InetSocketAddress(InetAddress.getByName(host), config.port()));
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("Cannot assign requested address")) {
                    throw new PgWardenException(ErrorCode.INVALID_INPUT, "--listen=" + address + ": this machine has no"
                            + " such address, so PostgreSQL could not listen on it; use one of its own addresses,"
                            + " 127.0.0.1, or * for all.", e);
                }
                throw new PgWardenException(ErrorCode.ENVIRONMENT, "Port " + config.port() + " on " + address
                        + " is already in use (is another PostgreSQL running?): " + e.getMessage()
                        + ". Choose a free port with --port, e.g. --port " + (config.port() == 65535 ? 5433 : config.port() + 1) + ".");
            }
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
