package io.pgwarden.migrate;

/**
 * Read-only status of one chain, for health endpoints and the agent: cheap to compute (one directory scan
 * and one query, see {@link InfoCommand}) and safe to call repeatedly.
 *
 * @param latestVersion the highest applied version, null when none
 * @param failedScript  the failed migration, null when none
 * @param error         its recorded error (file, line, SQLSTATE, message), null when none
 * @param problems      migrations in a state validation rejects (modified, missing file, ignored)
 */
public record MigrationStatus(String group, long applied, long pending, long failed, String latestVersion,
        String failedScript, String error, long problems) {

    /** True when nothing is pending, failed or inconsistent. */
    public boolean upToDate() {
        return pending == 0 && failed == 0 && problems == 0;
    }

    static MigrationStatus of(ChainReport r) {
        MigrationInfo failedOne = r.migrations().stream().filter(i -> i.state() == MigrationState.FAILED).findFirst()
                .orElse(null);
        String latest = r.migrations().stream()
                .filter(i -> i.applied() != null && i.applied().success() && i.version() != null)
                .map(MigrationInfo::version).max(MigrationVersion::compareTo).map(Object::toString).orElse(null);
        return new MigrationStatus(r.displayName(), r.count(MigrationState.APPLIED) + r.count(MigrationState.BELOW_BASELINE),
                r.count(MigrationState.PENDING), r.count(MigrationState.FAILED), latest,
                failedOne == null ? null : failedOne.script(), failedOne == null ? null : failedOne.error(),
                r.count(MigrationState.MODIFIED) + r.count(MigrationState.MISSING_FILE) + r.count(MigrationState.IGNORED));
    }
}
