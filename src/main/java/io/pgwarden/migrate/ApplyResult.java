package io.pgwarden.migrate;

import java.util.List;

/**
 * What {@code apply} did.
 *
 * @param outcomes   every file it ran, in order, successful or not
 * @param upToDate   migrations already applied before this run (applied, below baseline, future)
 * @param waitedForLock false on the no-op path, which never takes the lock
 */
public record ApplyResult(List<ExecutionOutcome> outcomes, long upToDate, boolean waitedForLock) {
    public ApplyResult {
        outcomes = List.copyOf(outcomes);
    }

    public List<MigrationFailure> failures() {
        return outcomes.stream().filter(o -> !o.success()).map(ExecutionOutcome::failure).toList();
    }

    public long appliedCount() {
        return outcomes.stream().filter(ExecutionOutcome::success).count();
    }

    public boolean success() {
        return failures().isEmpty();
    }
}
