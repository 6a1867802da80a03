package io.pgwarden.core;

/**
 * Why a pgwarden command failed. Each code maps to one process exit code, documented in
 * {@code pgwarden --help} and the README; scripts and orchestrators rely on these numbers, so
 * never renumber an existing code.
 */
public enum ErrorCode {
    /** A runtime failure with no more specific code: a server that did not answer, a timeout. */
    FAILED(1, "the operation failed (server unreachable, timeout, ...)"),
    /** A flag, environment variable or configuration file value is invalid. */
    INVALID_INPUT(2, "invalid flag, environment variable or configuration value"),
    /** More than one primary was seen; nothing was changed. */
    SPLIT_BRAIN(3, "more than one primary (split brain); nothing was changed"),
    /** An endpoint publisher (Kubernetes, PgBouncer, file) could not apply a change. */
    PUBLISH_FAILED(4, "an endpoint publisher failed"),
    /** A migration failed; later migrations of its chain were not applied. */
    MIGRATION_FAILED(5, "a migration failed"),
    /** The migration history does not match the files (changed, missing or failed entries). */
    VALIDATION_FAILED(6, "migration history does not match the files"),
    /** Another runner held the migration lock longer than the lock timeout. */
    LOCK_TIMEOUT(7, "timed out waiting for the migration lock"),
    /** A required program or file is missing (PostgreSQL binaries, a client tool). */
    ENVIRONMENT(8, "a required program, file or permission is missing"),
    /** PostgreSQL would not start, or crashed too often in a short window. */
    POSTGRES_FAILED(9, "PostgreSQL failed to start or kept crashing"),
    /**
     * The coordination store (etcd, the Kubernetes API) did not answer within its call timeout, or refused the call.
     * Losing a race for a key is not this error: that is a result the caller reads.
     */
    COORDINATION_UNAVAILABLE(10, "the coordination store (etcd, Kubernetes API) is unreachable or timed out"),
    /** A WAL file of that name is already archived with different content; nothing was overwritten. */
    WAL_CONFLICT(20, "a WAL file of that name is already archived with different content"),
    /** The backup, WAL file or backup repository asked for does not exist. */
    NOT_FOUND(21, "the backup or WAL file asked for is not in the repository"),
    /** Verification found a damaged or missing object in a backup repository, or a restore would not be possible. */
    BACKUP_DAMAGED(22, "a backup or WAL file is damaged, missing or cannot reach the recovery target"),
    /** A bug in pgwarden itself. */
    INTERNAL(70, "internal error (a bug in pgwarden; please report it)");

    private final int exitCode;
    private final String description;

    ErrorCode(int exitCode, String description) {
        this.exitCode = exitCode;
        this.description = description;
    }

    /** The process exit code the CLI returns for this error. */
    public int exitCode() {
        return exitCode;
    }

    /** One line for the exit-code table in {@code --help} and the README. */
    public String description() {
        return description;
    }
}
