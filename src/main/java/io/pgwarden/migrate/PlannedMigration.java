package io.pgwarden.migrate;

/**
 * One file {@code apply} would run.
 *
 * @param retry         true when it replaces a failed record (only with --retry-failed)
 * @param transactional false when it runs outside a transaction, statement by statement
 */
public record PlannedMigration(String group, String script, MigrationType type, String version, String description,
        int checksum, boolean transactional, int statements, boolean retry) {
}
