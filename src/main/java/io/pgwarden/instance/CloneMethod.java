package io.pgwarden.instance;

/** How a replica's data directory is copied from its primary. */
public enum CloneMethod {
    /** pg_basebackup when the binaries have it, otherwise the local copy. */
    AUTO,
    /** {@code pg_basebackup} over the replication protocol (needs the full client tools). */
    BASE_BACKUP,
    /**
     * The SQL low-level backup API ({@code pg_backup_start}/{@code pg_backup_stop}) with a file copy of the
     * primary's data directory, which must be readable on this machine (server-only binaries).
     */
    LOCAL_COPY;

    /** The spelling users type: {@code auto}, {@code base-backup}, {@code local-copy}. */
    public String flagValue() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
