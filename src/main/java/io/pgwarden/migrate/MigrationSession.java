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
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MigrationSession.class);
    private final MigrationSettings settings;
    private final Connection connection;
    private final SchemaHistory history;
    private final MigrationLock lock;
    private List<AppliedMigration> flywayRows = List.of();

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

    /**
     * Reads the history (one query) and compares it with the chains. While pgwarden's history is empty, Flyway's
     * ({@link MigrationSettings#flywayTableName()} in the schema) stands in for it: its rows count as applied (or
     * failed) until {@link #lockAndPrepare()} adopts them.
     */
    List<ChainReport> reports(List<MigrationChain> chains) {
        List<AppliedMigration> rows;
        try {
            rows = missing() ? List.of() : history.readAll();
            flywayRows = rows.isEmpty() && !missing() ? flyway().read() : List.of();
            if (rows.isEmpty()) {
                rows = flywayRows;
            }
            rows = withReplacedRepeatables(chains, rows);
        } catch (SQLException e) {
            throw failure("read the history table " + history.tableName() + " (or Flyway's "
                    + flyway().tableName() + ")", e);
        }
        return compare(chains, rows);
    }

    /**
     * Flyway records a repeatable migration's checksum over its text with the placeholders replaced (and accepts the
     * raw text's too): an adopted repeatable row that matches the file so is taken as matching the file's Flyway
     * checksum, so a placeholder-bearing repeatable is not run again after adoption.
     */
    private List<AppliedMigration> withReplacedRepeatables(List<MigrationChain> chains, List<AppliedMigration> rows) {
        Placeholders placeholders = settings.placeholderValues(io.pgwarden.core.Clock.SYSTEM);
        if (placeholders == null || rows.stream().noneMatch(r -> r.adopted() && r.type() == MigrationType.REPEATABLE)) {
            return rows;
        }
        Map<String, ResolvedMigration> files = new java.util.HashMap<>();
        chains.forEach(c -> c.repeatable().forEach(f -> files.put(SchemaHistory.key(f.group(), f.script()), f)));
        List<AppliedMigration> out = new ArrayList<>(rows.size());
        for (AppliedMigration r : rows) {
            ResolvedMigration f = files.get(SchemaHistory.key(r.group(), r.script()));
            if (r.adopted() && r.type() == MigrationType.REPEATABLE && f != null && r.checksum() != null
                    && !r.matches(f)) {
                try {
                    if (r.checksum().equals(Checksums.flywayReplaced(f, placeholders))) {
                        r = new AppliedMigration(r.installedRank(), r.group(), r.version(), r.description(), r.type(),
                                r.script(), f.flywayChecksum(), r.installedBy(), r.installedOn(), r.executionTimeMs(),
                                r.success(), r.error(), r.adoptedFrom());
                    }
                } catch (java.io.IOException e) {
                    log.debug("could not read {} to compare it with Flyway's checksum: {}", f.script(), e.getMessage());
                }
            }
            out.add(r);
        }
        return out;
    }

    /** True when the last {@link #reports} read Flyway's history, not adopted yet. */
    boolean adoptionPending() {
        return !flywayRows.isEmpty();
    }

    private FlywayHistory flyway() {
        return new FlywayHistory(connection, settings.schema(), settings.flywayTableName(), settings.oneChain());
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
            adoptFlywayHistory();
        } catch (SQLException e) {
            lock.release();
            throw failure("take the migration lock and prepare " + history.tableName(), e);
        }
    }

    /**
     * Under the lock, with pgwarden's history empty: copies Flyway's rows into it (Flyway's table is left as it
     * is), so from now on pgwarden's own history decides, and says which rows it adopted.
     */
    private void adoptFlywayHistory() throws SQLException {
        if (!history.readAll().isEmpty()) {
            return;
        }
        FlywayHistory flyway = flyway();
        List<AppliedMigration> rows = flyway.read();
        if (rows.isEmpty()) {
            return;
        }
        history.adopt(rows);
        flywayRows = List.of();
        log.info("adopted {} rows of Flyway's history {} into {} on {} (Flyway's table is left as it is)", rows.size(),
                flyway.tableName(), history.tableName(), settings.spec().display());
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
