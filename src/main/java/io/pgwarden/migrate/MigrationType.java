package io.pgwarden.migrate;

/** The kinds of entries in a chain and in the history table. */
public enum MigrationType {
    /** {@code V<version>__<description>.sql} or {@code <NNN>_<description>.sql}: applied once, in version order. */
    VERSIONED,
    /** {@code R__<description>.sql}: re-applied whenever its checksum changes, after every versioned file. */
    REPEATABLE,
    /**
     * Flyway's {@code B<version>__<description>.sql}: on a chain with no history, the highest one is applied instead
     * of the versioned files up to its version; once the chain has history, baseline migrations are not used.
     */
    BASELINE_MIGRATION,
    /** A history row written by {@code baseline}: everything up to its version counts as applied. */
    BASELINE
}
