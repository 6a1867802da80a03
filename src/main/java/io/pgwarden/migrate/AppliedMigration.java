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
 * @param adoptedFrom       null for pgwarden's own rows; for a row adopted from Flyway's history, where it came
 *                          from ({@code public.flyway_schema_history rank 3}): its checksum is then Flyway's
 */
public record AppliedMigration(long installedRank, String group, String version, String description,
        MigrationType type, String script, Integer checksum, String installedBy, Instant installedOn,
        int executionTimeMs, boolean success, String error, String adoptedFrom) {

    /** One of pgwarden's own rows. */
    public AppliedMigration(long installedRank, String group, String version, String description, MigrationType type,
            String script, Integer checksum, String installedBy, Instant installedOn, int executionTimeMs,
            boolean success, String error) {
        this(installedRank, group, version, description, type, script, checksum, installedBy, installedOn,
                executionTimeMs, success, error, null);
    }

    /** True when the row was adopted from Flyway's history (its checksum is Flyway's). */
    public boolean adopted() {
        return adoptedFrom != null;
    }

    /** Whether {@code file} still has the content this row recorded, by the checksum the row was written with. */
    public boolean matches(ResolvedMigration file) {
        if (checksum == null) {
            return false;
        }
        return checksum == (adopted() ? file.flywayChecksum() : file.checksum());
    }
}
