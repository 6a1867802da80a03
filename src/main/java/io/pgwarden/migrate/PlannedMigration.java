package io.pgwarden.migrate;

/**
 * One file {@code apply} would run.
 *
 * @param retry         true when it replaces a failed record (only with --retry-failed)
 * @param transactional false when it runs outside a transaction, statement by statement
 * @param reading       how its name was read ({@code Flyway baseline B<version>__})
 * @param runs          how it runs, in words: {@code in a transaction}, {@code outside a transaction}, or
 *                      {@code as written (own BEGIN/COMMIT, line 3): not atomic as a whole}
 */
public record PlannedMigration(String group, String script, MigrationType type, String version, String description,
        int checksum, boolean transactional, int statements, boolean retry, String reading, String runs) {
}
