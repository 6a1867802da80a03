package io.pgwarden.migrate;

/** The result of running one migration file: success with its duration, or its failure. */
public record ExecutionOutcome(ResolvedMigration migration, RunMode mode, long millis, MigrationFailure failure) {
    public ExecutionOutcome(ResolvedMigration migration, boolean transactional, long millis, MigrationFailure failure) {
        this(migration, transactional ? RunMode.TRANSACTION : RunMode.OUTSIDE, millis, failure);
    }

    public boolean success() {
        return failure == null;
    }

    public boolean transactional() {
        return mode == RunMode.TRANSACTION;
    }
}
