package io.pgwarden.migrate;

import java.util.List;

/**
 * The record of what was applied. Contract: {@link #readAll()} is one round trip and works (returning an
 * empty list) before the table exists; the writing methods run in the caller's current transaction, so a
 * migration's row commits or rolls back with the migration itself. Writers hold the migration lock.
 * Failures surface as {@link java.sql.SQLException} so callers keep the SQLSTATE.
 */
public interface SchemaHistory {
    /** Every row, in installation order; empty when the table does not exist yet. */
    List<AppliedMigration> readAll() throws java.sql.SQLException;

    /**
     * The fast path of a run with nothing to do, in one query that needs no sort: for every script, the checksum of
     * its latest non-baseline row, keyed by {@link #key(String, String)}; the value is null where that row records a
     * failure or has no checksum. Empty when the table does not exist or has no such rows.
     */
    java.util.Map<String, Integer> latestChecksums() throws java.sql.SQLException;

    /** The key of a script in {@link #latestChecksums()}: its group, NUL, its script name. */
    static String key(String group, String script) {
        return group + '\0' + script;
    }

    /** Creates the table (and its schema) when missing. Idempotent. */
    void createIfMissing() throws java.sql.SQLException;

    /** Appends a row; installed_rank, installed_by and installed_on are filled in by the database. */
    void add(AppliedMigration row) throws java.sql.SQLException;

    /**
     * An INSERT statement (literals inline) that records {@code row} when run in the caller's transaction, so
     * the executor can send it in the same round trip as the migration's statements. Its execution time is
     * taken by the server as the time since the transaction started; {@code row.executionTimeMs()} is ignored.
     */
    String recordStatement(AppliedMigration row);

    /**
     * Appends rows adopted from another tool's history as they are (their installed_by, installed_on, execution
     * time and where they came from), in one transaction of their own.
     */
    void adopt(List<AppliedMigration> rows) throws java.sql.SQLException;

    /** Removes the row with this rank (a failed record, on repair or retry). */
    void delete(long installedRank) throws java.sql.SQLException;

    /** Sets the checksum and description of a row to those of the file now on disk (repair). */
    void realign(long installedRank, int checksum, String description) throws java.sql.SQLException;

    /** The qualified table name, for messages. */
    String tableName();
}
