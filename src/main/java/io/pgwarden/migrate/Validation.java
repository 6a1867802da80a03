package io.pgwarden.migrate;

import java.util.ArrayList;
import java.util.List;

/** Turns chain reports into validation problems: one readable sentence each, naming file and remedy. */
final class Validation {
    private Validation() {
    }

    /** Problems of {@code reports}; failed records are not problems when they are about to be retried. */
    static List<String> problems(List<ChainReport> reports, boolean retryFailed) {
        List<String> problems = new ArrayList<>();
        for (ChainReport r : reports) {
            String latest = r.migrations().stream()
                    .filter(i -> i.applied() != null && i.applied().success() && i.version() != null)
                    .map(MigrationInfo::version).max(MigrationVersion::compareTo).map(Object::toString).orElse("?");
            for (MigrationInfo i : r.migrations()) {
                switch (i.state()) {
                    case MODIFIED -> problems.add(i.script() + " was changed after it was applied (recorded checksum "
                            + i.appliedChecksum() + ", file now " + (i.applied().adopted()
                                    ? i.file().flywayChecksum() + "; Flyway's checksums, the row was adopted from "
                                            + i.applied().adoptedFrom()
                                    : i.checksum()) + "). Restore the file, or run"
                            + " 'pgwarden migrate repair' to accept the file as it is now (it is not run again).");
                    case MISSING_FILE -> {
                        if (i.type() != MigrationType.REPEATABLE) {
                            problems.add(i.script() + " (version " + i.version() + ", chain "
                            + r.displayName() + ") is recorded as applied but its file is missing. Restore the file"
                            + " (check --dir / MIGRATIONS_DIR points at the full set).");
                        }
                    }
                    case FAILED -> {
                        if (!retryFailed && i.applied() != null && i.applied().adopted()) {
                            problems.add(i.error() + ". Adopted from " + i.applied().adoptedFrom() + ": remove any"
                                    + " half-completed changes, then run 'pgwarden migrate repair' to remove the failed"
                                    + " record (Flyway's table is left as it is), or 'pgwarden migrate apply --retry-failed'.");
                        } else if (!retryFailed) {
                            problems.add(i.script() + " is recorded as failed" + (i.installedOn() == null ? "" : " on "
                                    + i.installedOn()) + (i.error() == null ? "" : " (" + i.error() + ")") + ". Fix the"
                                    + " file, then run 'pgwarden migrate repair' to remove the failed record, or"
                                    + " 'pgwarden migrate apply --retry-failed'.");
                        }
                    }
                    case IGNORED -> problems.add(i.script() + " (version " + i.version() + ") was never applied and is"
                            + " below version " + latest + ", the latest applied in chain " + r.displayName()
                            + ", so it would never run. Give it a version above " + latest + ".");
                    default -> { /* applied, pending, future, baseline: fine */ }
                }
            }
        }
        return problems;
    }
}
