package io.pgwarden.migrate;

/** The kinds of entries in a chain and in the history table. */
public enum MigrationType {
    /** {@code V<version>__<description>.sql} or {@code <NNN>_<description>.sql}: applied once, in version order. */
    VERSIONED,
    /** {@code R__<description>.sql}: re-applied whenever its checksum changes, after every versioned file. */
    REPEATABLE,
    /** A history row written by {@code baseline}: everything up to its version counts as applied. */
    BASELINE
}
