package io.pgwarden.migrate;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.PgConnections;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One connection to the target database with its history table and lock: what a command uses from start
 * to end. {@link #missing()} sessions stand for a database that does not exist yet (read-only commands
 * then see an empty history).
 */
final class MigrationSession implements AutoCloseable {
    private final MigrationSettings settings;
    private final Connection connection;
    private final SchemaHistory history;
    private final MigrationLock lock;

    private MigrationSession(MigrationSettings settings, Connection connection, Clock clock) {
        this.settings = settings;
        this.connection = connection;
        this.history = connection == null ? null : new JdbcSchemaHistory(connection, settings.schema());
        this.lock = connection == null ? null : new MigrationLock(connection, clock, settings.spec().database());
    }

    /** Opens the session; with {@code create}, a missing database is created first. */
    static MigrationSession open(MigrationSettings settings, boolean create, Clock clock) {
        return new MigrationSession(settings, MigrationConnections.open(settings.spec(), create), clock);
    }

    boolean missing() {
        return connection == null;
    }

    Connection connection() {
        return connection;
    }

    SchemaHistory history() {
        return history;
    }

    int serverMajor() throws SQLException {
        return connection.getMetaData().getDatabaseMajorVersion();
    }

    /** Reads the history (one query) and compares it with the chains. */
    List<ChainReport> reports(List<MigrationChain> chains) {
        List<AppliedMigration> rows;
        try {
            rows = missing() ? List.of() : history.readAll();
        } catch (SQLException e) {
            throw failure("read the history table " + history.tableName(), e);
        }
        return compare(chains, rows);
    }

    /**
     * True when every file has a successful history row with its checksum and nothing else is recorded; one
     * query. False means "look closer" (the full comparison decides), never "something is wrong".
     */
    boolean upToDate(List<MigrationChain> chains) {
        Map<String, Integer> latest;
        try {
            latest = history.latestChecksums();
        } catch (SQLException e) {
            throw failure("read the history table " + history.tableName(), e);
        }
        int files = 0;
        for (MigrationChain c : chains) {
            for (List<ResolvedMigration> kind : List.of(c.versioned(), c.repeatable())) {
                for (ResolvedMigration m : kind) {
                    Integer recorded = latest.get(SchemaHistory.key(m.group(), m.script()));
                    if (recorded == null || recorded != m.checksum()) {
                        return false;
                    }
                    files++;
                }
            }
        }
        // every file matched its own script's row (scripts are unique), so equal sizes mean nothing else is recorded
        return files > 0 && files == latest.size();
    }

    static List<ChainReport> compare(List<MigrationChain> chains, List<AppliedMigration> rows) {
        Map<String, List<AppliedMigration>> byGroup = new LinkedHashMap<>();
        for (AppliedMigration r : rows) {
            byGroup.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r);
        }
        List<ChainReport> reports = new ArrayList<>();
        for (MigrationChain c : chains) {
            reports.add(ChainReport.compare(c.group(), c, byGroup.getOrDefault(c.group(), List.of())));
        }
        byGroup.keySet().stream().sorted()
                .filter(g -> chains.stream().noneMatch(c -> c.group().equals(g)))
                .forEach(g -> reports.add(ChainReport.compare(g, null, byGroup.get(g))));
        return reports;
    }

    /** Takes the migration lock and makes sure the history table exists. */
    void lockAndPrepare() {
        try {
            MigrationConnections.requirePrimary(connection, settings.spec());
        } catch (SQLException e) {
            throw failure("ask whether the server is a replica", e);
        }
        try {
            lock.acquire(settings.lockTimeout());
            history.createIfMissing();
        } catch (SQLException e) {
            lock.release();
            throw failure("take the migration lock and prepare " + history.tableName(), e);
        }
    }

    void unlock() {
        lock.release();
    }

    PgWardenException failure(String what, SQLException e) {
        return new PgWardenException(ErrorCode.FAILED, "Could not " + what + " on " + settings.spec().display() + ": "
                + PgConnections.describe(e) + ".", e);
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing a connection that already broke: nothing left to release
            }
        }
    }
}
