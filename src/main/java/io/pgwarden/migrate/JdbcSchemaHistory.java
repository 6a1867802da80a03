package io.pgwarden.migrate;

import io.pgwarden.pg.SqlIdentifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link SchemaHistory} in a PostgreSQL table, over one JDBC connection owned by the caller. */
public final class JdbcSchemaHistory implements SchemaHistory {
    public static final String TABLE = "pgwarden_schema_history";
    private static final String UNDEFINED_TABLE = "42P01";
    private static final String UNDEFINED_SCHEMA = "3F000";

    private final Connection connection;
    private final String schema;
    private final String qualified;
    private PreparedStatement insert;

    public JdbcSchemaHistory(Connection connection, String schema) {
        this.connection = connection;
        this.schema = schema;
        this.qualified = SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(TABLE);
    }

    @Override
    public String tableName() {
        return schema + "." + TABLE;
    }

    /** Set once the table is known to exist: then it is read without asking first. */
    private boolean exists;
    /** Whether the table has the adopted_from column (tables of a pgwarden before adoption get it on the next apply). */
    private boolean adoptedFromColumn;

    /**
     * Whether the table exists, asked (to_regclass) before it is read, so that a first run leaves no
     * "ERROR: relation ... does not exist" in the server log; the same query asks for the adopted_from column.
     */
    private boolean exists() throws SQLException {
        if (!exists) {
            try (PreparedStatement ps = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL, EXISTS (SELECT 1"
                    + " FROM pg_attribute WHERE attrelid = to_regclass(?) AND attname = 'adopted_from' AND NOT attisdropped)")) {
                ps.setString(1, qualified);
                ps.setString(2, qualified);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    exists = rs.getBoolean(1);
                    adoptedFromColumn = rs.getBoolean(2);
                }
            }
        }
        return exists;
    }

    @Override
    public List<AppliedMigration> readAll() throws SQLException {
        List<AppliedMigration> rows = new ArrayList<>();
        if (!exists()) {
            return rows;
        }
        boolean withAdoption = adoptedFromColumn;
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT installed_rank, group_name, version, description, type, script,"
                     + " checksum, installed_by, installed_on, execution_time_ms, success, error"
                     + (withAdoption ? ", adopted_from" : "") + " FROM " + qualified + " ORDER BY installed_rank")) {
            while (rs.next()) {
                int checksum = rs.getInt(7);
                Integer cs = rs.wasNull() ? null : checksum;
                Timestamp on = rs.getTimestamp(9);
                rows.add(new AppliedMigration(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        MigrationType.valueOf(rs.getString(5)), rs.getString(6), cs, rs.getString(8),
                        on == null ? null : on.toInstant(), rs.getInt(10), rs.getBoolean(11), rs.getString(12),
                        withAdoption ? rs.getString(13) : null));
            }
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState()) || UNDEFINED_SCHEMA.equals(e.getSQLState())) {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                }
                return List.of();
            }
            throw e;
        }
        return rows;
    }

    @Override
    public Map<String, Integer> latestChecksums() throws SQLException {
        // In installation order, straight off the primary key: a later row of a script replaces an earlier one.
        Map<String, Integer> latest = new HashMap<>();
        if (!exists()) {
            return latest;
        }
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT group_name, script, checksum, success FROM " + qualified
                     + " WHERE type <> 'BASELINE' ORDER BY installed_rank")) {
            while (rs.next()) {
                int checksum = rs.getInt(3);
                boolean usable = !rs.wasNull() && rs.getBoolean(4);
                latest.put(SchemaHistory.key(rs.getString(1), rs.getString(2)), usable ? checksum : null);
            }
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState()) || UNDEFINED_SCHEMA.equals(e.getSQLState())) {
                return Map.of();
            }
            throw e;
        }
        return latest;
    }

    @Override
    public void createIfMissing() throws SQLException {
        try (Statement s = connection.createStatement()) {
            if (!"public".equals(schema)) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + SqlIdentifiers.quote(schema));
            }
            s.execute("CREATE TABLE IF NOT EXISTS " + qualified + " ("
                    + "installed_rank bigserial PRIMARY KEY,"
                    + " group_name text NOT NULL,"
                    + " version text,"
                    + " description text NOT NULL,"
                    + " type text NOT NULL,"
                    + " script text NOT NULL,"
                    + " checksum integer,"
                    + " installed_by text NOT NULL DEFAULT current_user,"
                    + " installed_on timestamptz NOT NULL DEFAULT now(),"
                    + " execution_time_ms integer NOT NULL,"
                    + " success boolean NOT NULL,"
                    + " error text,"
                    + " adopted_from text)");
            exists = false; // ask again: the table may have been there before, without the column
            exists();
            if (!adoptedFromColumn) {
                // a table created before adoption existed; asked first, as ALTER TABLE would lock the table every run
                s.execute("ALTER TABLE " + qualified + " ADD COLUMN IF NOT EXISTS adopted_from text");
                adoptedFromColumn = true;
            }
        }
        exists = true;
    }

    @Override
    public void adopt(List<AppliedMigration> rows) throws SQLException {
        boolean auto = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + qualified + " (group_name, version,"
                + " description, type, script, checksum, installed_by, installed_on, execution_time_ms, success, error,"
                + " adopted_from) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
            for (AppliedMigration r : rows) {
                ps.setString(1, r.group());
                ps.setString(2, r.version());
                ps.setString(3, r.description());
                ps.setString(4, r.type().name());
                ps.setString(5, r.script());
                if (r.checksum() == null) {
                    ps.setNull(6, Types.INTEGER);
                } else {
                    ps.setInt(6, r.checksum());
                }
                ps.setString(7, r.installedBy() == null ? "flyway" : r.installedBy());
                ps.setTimestamp(8, r.installedOn() == null ? new Timestamp(System.currentTimeMillis())
                        : Timestamp.from(r.installedOn()));
                ps.setInt(9, r.executionTimeMs());
                ps.setBoolean(10, r.success());
                ps.setString(11, r.error());
                ps.setString(12, r.adoptedFrom());
                ps.addBatch();
            }
            ps.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(auto);
        }
    }

    @Override
    public void add(AppliedMigration row) throws SQLException {
        if (insert == null) {
            insert = connection.prepareStatement("INSERT INTO " + qualified + " (group_name, version, description,"
                    + " type, script, checksum, execution_time_ms, success, error) VALUES (?,?,?,?,?,?,?,?,?)");
        }
        insert.setString(1, row.group());
        insert.setString(2, row.version());
        insert.setString(3, row.description());
        insert.setString(4, row.type().name());
        insert.setString(5, row.script());
        if (row.checksum() == null) {
            insert.setNull(6, Types.INTEGER);
        } else {
            insert.setInt(6, row.checksum());
        }
        insert.setInt(7, row.executionTimeMs());
        insert.setBoolean(8, row.success());
        insert.setString(9, row.error());
        insert.executeUpdate();
    }

    @Override
    public String recordStatement(AppliedMigration row) {
        return "INSERT INTO " + qualified + " (group_name, version, description, type, script, checksum,"
                + " execution_time_ms, success, error) VALUES (" + literal(row.group()) + ", " + literal(row.version())
                + ", " + literal(row.description()) + ", " + literal(row.type().name()) + ", " + literal(row.script())
                + ", " + (row.checksum() == null ? "NULL" : row.checksum().toString())
                + ", (extract(epoch FROM clock_timestamp() - now()) * 1000)::int, " + row.success() + ", "
                + literal(row.error()) + ")";
    }

    /** A string literal that reads the same whatever standard_conforming_strings is: E'' with escapes. */
    static String literal(String value) {
        if (value == null) {
            return "NULL";
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a history value cannot contain a NUL character");
        }
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    @Override
    public void delete(long installedRank) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + qualified + " WHERE installed_rank = ?")) {
            ps.setLong(1, installedRank);
            ps.executeUpdate();
        }
    }

    @Override
    public void realign(long installedRank, int checksum, String description) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + qualified
                + " SET checksum = ?, description = ? WHERE installed_rank = ?")) {
            ps.setInt(1, checksum);
            ps.setString(2, description);
            ps.setLong(3, installedRank);
            ps.executeUpdate();
        }
    }
}
