package io.pgwarden.migrate;

/** The result of running one migration file: success with its duration, or its failure. */
public record ExecutionOutcome(ResolvedMigration migration, boolean transactional, long millis, MigrationFailure failure) {
    public boolean success() {
        return failure == null;
    }
}
