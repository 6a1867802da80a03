package io.pgwarden.instance;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs {@code CHECKPOINT} on the new primary before pg_rewind. A promoted server writes its new timeline into its
 * control file only at the end of its first checkpoint, which after {@code pg_promote()} is a spread one (minutes
 * with many dirty buffers); until then pg_rewind (PostgreSQL 15) reads the old timeline from that file, reports
 * "source and target cluster are on the same timeline, no rewind required", and the old primary can never follow.
 */
final class PrimaryCheckpoint {
    /** @return the timeline the new primary's control file shows after the checkpoint */
    int execute(ConnectionSpec primary, Path dataDir) {
        try (Connection c = PgConnections.open(primary); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
            try (ResultSet rs = s.executeQuery("SELECT timeline_id FROM pg_control_checkpoint()")) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new PgWardenException(ErrorCode.FAILED, "Cannot run CHECKPOINT on the new primary " + primary.display()
                    + ": " + PgConnections.describe(e) + ". pg_rewind needs it to see the new timeline. Nothing was"
                    + " stopped or moved: " + dataDir + " is as it was.", e);
        }
    }
}
