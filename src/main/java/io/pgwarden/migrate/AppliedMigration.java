package io.pgwarden.migrate;

import java.time.Instant;

/**
 * One row of the history table {@code pgwarden_schema_history}.
 *
 * @param installedRank     order of installation (0 for a row not yet written)
 * @param group             the chain, {@code ""} for the root one
 * @param version           null for repeatable migrations
 * @param checksum          null for the baseline row
 * @param executionTimeMs   wall time of the file's statements
 * @param error             why it failed (null on success): file, line, SQLSTATE and message
 */
public record AppliedMigration(long installedRank, String group, String version, String description,
        MigrationType type, String script, Integer checksum, String installedBy, Instant installedOn,
        int executionTimeMs, boolean success, String error) {
}
