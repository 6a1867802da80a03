package io.pgwarden.backup;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.Lsn;
import io.pgwarden.core.PgWardenException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The SQL a base backup runs on the server's session: identity, and the low-level backup API
 * ({@code pg_backup_start}/{@code pg_backup_stop} on 15+, {@code pg_start_backup}/{@code pg_stop_backup} in their
 * non-exclusive form before). The backup is tied to this session: if it ends (kill -9 of pgwarden), the server
 * aborts the backup by itself.
 */
final class BackupServer {
    private final Connection c;

    record Identity(String systemIdentifier, int versionNum, String dataDirectory, boolean hasTablespaces) {
    }

    record Stop(Lsn lsn, String label, String tablespaceMap) {
    }

    BackupServer(Connection c) {
        this.c = c;
    }

    Identity identity() throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT (SELECT system_identifier::text FROM"
                + " pg_control_system()), current_setting('server_version_num')::int, current_setting('data_directory'),"
                + " EXISTS (SELECT 1 FROM pg_tablespace WHERE spcname NOT IN ('pg_default', 'pg_global'))")) {
            r.next();
            return new Identity(r.getString(1), r.getInt(2), r.getString(3), r.getBoolean(4));
        }
    }

    /**
     * Whether the server is a standby. The one place the backup code asks {@code pg_is_in_recovery()}, so that a
     * shared probe can replace it.
     */
    boolean isStandby() throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_is_in_recovery()")) {
            r.next();
            return r.getBoolean(1);
        }
    }

    /** Starts the backup with an immediate checkpoint; returns the start (redo) LSN. */
    Lsn start(String label, int versionNum) throws SQLException {
        String sql = versionNum >= 150000 ? "SELECT pg_backup_start(?, true)::text" : "SELECT pg_start_backup(?, true, false)::text";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, label);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return Lsn.parse(r.getString(1));
            }
        }
    }

    /** The current timeline (of the checkpoint the backup started from). */
    int timeline() throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT timeline_id FROM pg_control_checkpoint()")) {
            r.next();
            return r.getInt(1);
        }
    }

    /** Ends the backup without waiting for archiving (pgwarden makes sure the WAL is in the repository itself). */
    Stop stop(int versionNum) throws SQLException {
        String sql = versionNum >= 150000 ? "SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(false)"
                : "SELECT lsn::text, labelfile, spcmapfile FROM pg_stop_backup(false, false)";
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return new Stop(Lsn.parse(r.getString(1)), r.getString(2), r.getString(3) == null ? "" : r.getString(3));
        }
    }

    static PgWardenException failed(String what, SQLException e) {
        return new PgWardenException(ErrorCode.FAILED, what + ": " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", e);
    }
}
