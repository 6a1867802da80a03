package io.pgwarden.agent;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the target database when it does not exist, connecting to a maintenance database. */
final class DatabaseCreator {
    private static final Logger log = LoggerFactory.getLogger(DatabaseCreator.class);
    /** SQLSTATE duplicate_database: another sidecar created it between our check and our CREATE. */
    private static final String DUPLICATE_DATABASE = "42P04";

    private final ConnectionSpec target;
    private final String maintenanceDatabase;

    DatabaseCreator(ConnectionSpec target, String maintenanceDatabase) {
        this.target = target;
        this.maintenanceDatabase = maintenanceDatabase;
    }

    /**
     * @return true when this call created it
     * @throws PgWardenException FAILED naming the database and the server's reason (e.g. no CREATEDB privilege)
     */
    boolean ensureExists() {
        if (target.database().equals(maintenanceDatabase)) {
            return false;
        }
        ConnectionSpec maintenance = target.withDatabase(maintenanceDatabase);
        try (Connection c = PgConnections.open(maintenance)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, target.database());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + SqlIdentifiers.quote(target.database()));
                log.info("created database {} on {}", target.database(), target.address());
                return true;
            } catch (SQLException e) {
                if (DUPLICATE_DATABASE.equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new PgWardenException(ErrorCode.FAILED, "Cannot create database " + target.database() + " on "
                    + target.address() + " (connected to " + maintenanceDatabase + " as " + target.user() + "): "
                    + PgConnections.describe(e) + ". Create it yourself or grant CREATEDB to " + target.user() + ".", e);
        }
    }
}
