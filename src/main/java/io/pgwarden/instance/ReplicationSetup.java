package io.pgwarden.instance;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.pg.SqlIdentifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares a primary for one replica, over a superuser connection: the replication role exists with
 * {@code LOGIN REPLICATION} and the given password, and the replica's physical slot exists, reserving
 * WAL from now on (so a clone started after this loses nothing). The password is hashed to a
 * SCRAM-SHA-256 verifier by the driver before it is sent, so it appears in no statement, server log or
 * {@code pg_stat_activity}. Idempotent.
 */
public final class ReplicationSetup {
    private static final Logger log = LoggerFactory.getLogger(ReplicationSetup.class);

    /** What changed on the primary. */
    public record Result(boolean roleCreated, boolean slotCreated) {
    }

    public Result execute(ConnectionSpec primarySuperuser, String role, String password, String slot) {
        Upstream.validateSlot(slot);
        try (Connection c = PgConnections.open(primarySuperuser)) {
            boolean created = ensureRole(c, role);
            c.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), "scram-sha-256");
            boolean slotCreated = ensureSlot(c, slot);
            log.info("primary {}: replication role '{}' {} (password set, scram-sha-256), slot '{}' {}",
                    primarySuperuser.address(), role, created ? "created" : "exists", slot, slotCreated ? "created" : "exists");
            return new Result(created, slotCreated);
        } catch (SQLException e) {
            throw new PgWardenException(ErrorCode.FAILED, "Cannot prepare the primary " + primarySuperuser.display()
                    + " for replication (role '" + role + "', slot '" + slot + "'): " + PgConnections.describe(e)
                    + ". pgwarden needs a superuser connection to the primary: check --primary-user and its password"
                    + " (--primary-password-file or PGPASSWORD).", e);
        }
    }

    /** Drops {@code slot} if it exists and is inactive; used when a clone fails, so no WAL is retained for nothing. */
    public void dropSlot(ConnectionSpec primarySuperuser, String slot) {
        try (Connection c = PgConnections.open(primarySuperuser);
             PreparedStatement s = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                     + " WHERE slot_name = ? AND NOT active")) {
            s.setString(1, slot);
            s.execute();
        } catch (SQLException e) {
            log.warn("primary {}: could not drop replication slot '{}': {}; drop it by hand to free its WAL",
                    primarySuperuser.address(), slot, PgConnections.describe(e));
        }
    }

    private static boolean ensureRole(Connection c, String role) throws SQLException {
        String quoted = SqlIdentifiers.quote(role);
        try (PreparedStatement p = c.prepareStatement("SELECT rolreplication AND rolcanlogin FROM pg_roles WHERE rolname = ?")) {
            p.setString(1, role);
            try (ResultSet rs = p.executeQuery(); Statement s = c.createStatement()) {
                if (!rs.next()) {
                    s.execute("CREATE ROLE " + quoted + " WITH LOGIN REPLICATION");
                    return true;
                }
                if (!rs.getBoolean(1)) {
                    s.execute("ALTER ROLE " + quoted + " WITH LOGIN REPLICATION");
                }
                return false;
            }
        }
    }

    private static boolean ensureSlot(Connection c, String slot) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT slot_type FROM pg_replication_slots WHERE slot_name = ?")) {
            p.setString(1, slot);
            try (ResultSet rs = p.executeQuery()) {
                if (rs.next()) {
                    if (!"physical".equals(rs.getString(1))) {
                        throw new PgWardenException(ErrorCode.INVALID_INPUT, "--slot=" + slot + ": the primary already has a "
                                + rs.getString(1) + " slot of that name; choose another --slot or --node-name.");
                    }
                    return false;
                }
            }
        }
        // immediately_reserve = true: WAL is kept from this moment, before the base backup starts
        try (PreparedStatement p = c.prepareStatement("SELECT pg_create_physical_replication_slot(?, true)")) {
            p.setString(1, slot);
            p.execute();
        }
        return true;
    }
}
