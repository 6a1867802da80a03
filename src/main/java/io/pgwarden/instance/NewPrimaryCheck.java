package io.pgwarden.instance;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link Rejoiner} checks before it stops or moves anything: the server named by {@code --primary} answers
 * over the superuser connection, it is not this data directory's own running server, it is writable (not in
 * recovery), it runs the directory's major, and it belongs to the same cluster (same system identifier) unless a
 * fresh clone was asked for ({@code --no-rewind}). A failure leaves the node running and its directory in place.
 *
 * <p>After a promotion the old and the new primary share the system identifier, and on machines set up alike
 * they share the data directory path and the port too, so none of those tells "this very node" apart. What does:
 * the backend serving the check's session is a child process of this directory's postmaster exactly when
 * {@code --primary} leads back to this node; its port and data directory must match the postmaster's too.
 */
public final class NewPrimaryCheck {
    private static final Logger log = LoggerFactory.getLogger(NewPrimaryCheck.class);
    /** The two start times PostgreSQL records are taken moments apart at start-up, in whole seconds in the file. */
    private static final long START_TOLERANCE_SECONDS = 1;
    private static final String QUERY = "SELECT pg_is_in_recovery(), (SELECT system_identifier FROM pg_control_system())::text,"
            + " current_setting('data_directory'), inet_server_port(), pg_backend_pid(),"
            + " current_setting('server_version_num')::int / 10000, floor(extract(epoch FROM pg_postmaster_start_time()))::bigint";

    /** What the server at {@code --primary} said about itself. {@code port} is null over a Unix socket. */
    public record Facts(boolean inRecovery, String systemIdentifier, String dataDirectory, Integer port, long backendPid,
            int major, long startTime) {
    }

    /**
     * This node: its directory, the live postmaster of that directory (pid, port and data directory from
     * {@code postmaster.pid}; all null when none runs), its system identifier and major (null when unreadable).
     */
    record Local(Path dataDir, Long postmasterPid, Integer postmasterPort, String postmasterDataDir, String systemIdentifier,
            Integer major, Long postmasterStart) {
    }

    /**
     * @param address      {@code --primary} as given, for messages
     * @param cloneAllowed true with {@code --no-rewind}: a primary of another cluster is accepted (only a clone can follow it)
     * @throws PgWardenException FAILED when the server cannot be reached, INVALID_INPUT when it cannot be the new primary
     */
    public Facts verify(Path dataDir, ConnectionSpec primary, String address, boolean cloneAllowed) {
        Local local = local(dataDir);
        try (Connection c = PgConnections.open(primary); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(QUERY)) {
            rs.next();
            int port = rs.getInt(4);
            Facts facts = new Facts(rs.getBoolean(1), rs.getString(2), rs.getString(3), rs.wasNull() ? null : port,
                    rs.getLong(5), rs.getInt(6), rs.getLong(7));
            // asked while the session is open, so the backend process exists
            Long parent = ProcessHandle.of(facts.backendPid()).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(null);
            String problem = problem(local, facts, parent, address, cloneAllowed);
            if (problem != null) {
                throw new PgWardenException(ErrorCode.INVALID_INPUT, problem);
            }
            return facts;
        } catch (SQLException e) {
            throw new PgWardenException(ErrorCode.FAILED, "Cannot connect to the new primary " + primary.display()
                    + " (--primary=" + address + "): " + PgConnections.describe(e) + ". Nothing was stopped or moved: "
                    + dataDir + " is as it was. Check --primary, --primary-user and its password (--primary-password-file"
                    + " or PGPASSWORD).", e);
        }
    }

    /** Null when the server can be the new primary of {@code local}, else why not (for the user). */
    static String problem(Local local, Facts target, Long backendParent, String address, boolean cloneAllowed) {
        String unchanged = "nothing was stopped or moved";
        if (isThisNode(local, target, backendParent)) {
            return "--primary=" + address + " is this node itself: the server answering there is the running PostgreSQL of "
                    + local.dataDir() + " (pid " + local.postmasterPid() + "). A node cannot rejoin itself; " + unchanged
                    + ". Name the new primary (the promoted node) with --primary.";
        }
        if (target.inRecovery()) {
            return "--primary=" + address + " is a replica (in recovery), not a primary; a rejoined node follows a writable"
                    + " primary. Name the current primary with --primary, or promote that node first ('pgwarden promote');"
                    + " " + unchanged + ".";
        }
        if (local.major() != null && local.major() != target.major()) {
            return "--primary=" + address + " runs PostgreSQL " + target.major() + ", but " + local.dataDir() + " is a"
                    + " PostgreSQL " + local.major() + " data directory; a replica needs its primary's major. Name a primary"
                    + " of this node's cluster with --primary; " + unchanged + ".";
        }
        if (!cloneAllowed && local.systemIdentifier() != null && !local.systemIdentifier().equals(target.systemIdentifier())) {
            return "--primary=" + address + " belongs to another cluster (system identifier " + target.systemIdentifier()
                    + "; " + local.dataDir() + " has " + local.systemIdentifier() + "), so pg_rewind cannot use it and only a"
                    + " fresh clone could, replacing this node's data with that cluster's (the old directory is moved aside); "
                    + unchanged + ". Check --primary; if a fresh clone from it is what you want, add --no-rewind.";
        }
        return null;
    }

    /**
     * The server at {@code --primary} is this directory's own: same port and data directory as its postmaster.pid,
     * and, when that postmaster is visible here, the session's backend is its child; when it is not (another PID
     * namespace, e.g. a container without a shared process namespace), the start time in postmaster.pid decides. A
     * start time that is known must match either way, so a pid number that happens to coincide is not enough.
     */
    static boolean isThisNode(Local local, Facts target, Long backendParent) {
        boolean samePlace = local.postmasterPort() != null
                && (target.port() == null || target.port().equals(local.postmasterPort()))
                && (local.postmasterDataDir() == null || local.postmasterDataDir().equals(target.dataDirectory()));
        if (!samePlace) {
            return false;
        }
        // postmaster.pid's time is taken a moment before pg_postmaster_start_time(): they may straddle a second
        boolean sameStart = local.postmasterStart() == null
                || Math.abs(local.postmasterStart() - target.startTime()) <= START_TOLERANCE_SECONDS;
        if (local.postmasterPid() != null) {
            return local.postmasterPid().equals(backendParent) && sameStart;
        }
        return local.postmasterStart() != null && sameStart;
    }

    static Local local(Path dataDir) {
        DataDirectory dir = new DataDirectory(dataDir);
        Optional<Long> pid = dir.runningPostmaster();
        // read even when the process is not visible here (another PID namespace): the start time then identifies it
        Integer port = PostmasterPid.read(dir.path()).map(PostmasterPid::port).filter(p -> p > 0).orElse(null);
        String pidDir = postmasterDataDir(dir.path());
        Long start = postmasterStart(dir.path());
        String sysid = null;
        try {
            sysid = Long.toUnsignedString(LocalCopyClone.systemIdentifier(dir.path().resolve("global/pg_control")));
        } catch (IOException e) {
            log.warn("{}: cannot read global/pg_control ({}); the new primary's system identifier is not compared",
                    dir.path(), e.getMessage());
        }
        return new Local(dir.path(), pid.orElse(null), port, pidDir, sysid, dir.version().map(v -> v.major()).orElse(null),
                start);
    }

    /** Line 3 of {@code postmaster.pid}: the postmaster's start time in seconds since the epoch, or null. */
    private static Long postmasterStart(Path dataDir) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve(PostmasterPid.FILE));
            return lines.size() > 2 && lines.get(2).strip().matches("\\d{1,19}") ? Long.valueOf(lines.get(2).strip()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Line 2 of {@code postmaster.pid}: the data directory as the server names it (its {@code data_directory}). */
    private static String postmasterDataDir(Path dataDir) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve(PostmasterPid.FILE));
            return lines.size() > 1 && !lines.get(1).isBlank() ? lines.get(1).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
