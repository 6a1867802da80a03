package io.pgwarden.migrate;

/** Where one migration stands, comparing the files with the history table. */
public enum MigrationState {
    /** Recorded as applied and the file still has the recorded checksum. */
    APPLIED("applied"),
    /** Not applied yet (or a repeatable whose file changed since it was last applied). */
    PENDING("pending"),
    /** Recorded as failed; a transactional file was rolled back, a non-transactional one may be partly applied. */
    FAILED("failed"),
    /** Applied, but the file changed since (checksum differs); a validation error. */
    MODIFIED("modified"),
    /**
     * Applied, but its file is gone while later versions exist: a validation error. For a repeatable file that
     * was removed, only information (dropping a repeatable file is a legitimate change).
     */
    MISSING_FILE("missing file"),
    /** Applied with a version newer than every file (a newer release ran); not an error. */
    FUTURE("future"),
    /** A file whose version is below the latest applied one and that was never applied; a validation error. */
    IGNORED("ignored"),
    /** The baseline row itself. */
    BASELINE("baseline"),
    /** A file at or below the baseline version: counted as applied, never run. */
    BELOW_BASELINE("below baseline"),
    /**
     * A Flyway baseline migration ({@code B<version>__}) that is not used: the chain already had history when it
     * was found, or a higher baseline was chosen. Never run; not an error.
     */
    NOT_USED("not used");

    private final String label;

    MigrationState(String label) {
        this.label = label;
    }

    /** Lower-case words, as shown by {@code info}. */
    public String label() {
        return label;
    }
}
