package io.pgwarden.migrate;

import io.pgwarden.pg.SqlIdentifiers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Reads Flyway's history table ({@code flyway_schema_history}, or the table given) as pgwarden history rows (of the
 * root chain; of group {@code sub} for a file Flyway found in subdirectory {@code sub/}), to adopt a database Flyway migrated. Read only: Flyway's table is never written. Flyway's row types map
 * to pgwarden's: {@code SQL} (and Java migrations) with a version → versioned, without → repeatable,
 * {@code SQL_BASELINE} → baseline migration, {@code BASELINE} (Flyway's baseline command) → baseline; Flyway's
 * {@code SCHEMA} marker is skipped and a {@code DELETE} row (Flyway's repair of a missing migration) removes the rows
 * it deletes. Each row keeps Flyway's checksum and says where it came from ({@link AppliedMigration#adoptedFrom()}).
 */
final class FlywayHistory {
    private static final String UNDEFINED_TABLE = "42P01";
    private static final String UNDEFINED_SCHEMA = "3F000";

    private final Connection connection;
    private final String schema;
    private final String table;
    private final boolean oneChain;

    /** @param oneChain the files of subdirectories are read into the root chain (no group per subdirectory) */
    FlywayHistory(Connection connection, String schema, String table, boolean oneChain) {
        this.connection = connection;
        this.schema = schema;
        this.table = table;
        this.oneChain = oneChain;
    }

    String tableName() {
        return schema + "." + table;
    }

    /** The rows, in Flyway's installation order; empty when the table does not exist. */
    List<AppliedMigration> read() throws SQLException {
        List<AppliedMigration> rows = new ArrayList<>();
        // asked first (to_regclass), so a database Flyway never touched leaves no ERROR line in the server log
        try (java.sql.PreparedStatement ps = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(table));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return rows;
                }
            }
        }
        String sql = "SELECT installed_rank, version, description, type, script, checksum, installed_by, installed_on,"
                + " execution_time, success FROM " + SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(table)
                + " ORDER BY installed_rank";
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                long rank = rs.getLong(1);
                String version = rs.getString(2);
                String type = rs.getString(4);
                String script = rs.getString(5);
                int checksum = rs.getInt(6);
                Integer cs = rs.wasNull() ? null : checksum;
                Timestamp on = rs.getTimestamp(8);
                boolean success = rs.getBoolean(10);
                if ("DELETE".equals(type)) {
                    removeDeleted(rows, version, script);
                    continue;
                }
                MigrationType t = switch (type == null ? "" : type) {
                    case "SCHEMA" -> null;
                    case "BASELINE" -> MigrationType.BASELINE;
                    case "SQL_BASELINE" -> MigrationType.BASELINE_MIGRATION;
                    case "UNDO_SQL", "UNDO_JDBC", "UNDO_SCRIPT" -> null;
                    default -> version == null ? MigrationType.REPEATABLE : MigrationType.VERSIONED;
                };
                if (t == null) {
                    continue;
                }
                String description = rs.getString(3);
                String error = success ? null : script + ": failed in Flyway (Flyway: \"Detected failed migration to"
                        + " version " + version + " (" + description + "). Please remove any half-completed changes"
                        + " then run repair to fix the schema history.\")";
                // a file of a subdirectory (Flyway: one chain, script "sub/V1__x.sql") belongs to pgwarden's group "sub"
                String group = !oneChain && script != null && script.indexOf('/') > 0 && script.indexOf('/') == script.lastIndexOf('/')
                        ? script.substring(0, script.indexOf('/')) : "";
                rows.add(new AppliedMigration(rank, group, version, description == null ? "" : description, t,
                        t == MigrationType.BASELINE ? "<< baseline >>" : script, cs, rs.getString(7),
                        on == null ? null : on.toInstant(), rs.getInt(9), success, error, tableName() + " rank " + rank));
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

    private static void removeDeleted(List<AppliedMigration> rows, String version, String script) {
        for (Iterator<AppliedMigration> it = rows.iterator(); it.hasNext();) {
            AppliedMigration r = it.next();
            if (version != null ? Objects.equals(version, r.version()) : Objects.equals(script, r.script())) {
                it.remove();
            }
        }
    }
}
