package io.pgwarden.pg;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Opens JDBC connections from a {@link ConnectionSpec}, turning failures into readable errors. */
public final class PgConnections {
    private PgConnections() {
    }

    /**
     * Opens a connection.
     *
     * @throws SQLException as the driver reports it; callers that can retry want the SQLSTATE
     */
    public static Connection open(ConnectionSpec spec) throws SQLException {
        return DriverManager.getConnection(spec.jdbcUrl(), spec.jdbcProperties());
    }

    /** Opens a connection or throws FAILED with a message naming the server and the reason. */
    public static Connection openOrFail(ConnectionSpec spec) {
        try {
            return open(spec);
        } catch (SQLException e) {
            throw new PgWardenException(ErrorCode.FAILED, "Cannot connect to " + spec.display() + ": "
                    + describe(e) + ". Check that the server runs and the address, user and password are right.", e);
        }
    }

    /** {@code message (SQLSTATE xxxxx)}, masked. */
    public static String describe(SQLException e) {
        String state = e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")";
        return (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip()) + state;
    }
}
