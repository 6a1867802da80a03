package io.pgwarden.migrate;

import io.pgwarden.core.Clock;

/**
 * Checks that the history matches the files: no applied file changed or missing, no failed migration
 * recorded, no file left below the latest applied version. Read-only; pending files are fine.
 */
public final class ValidateCommand {
    private final MigrationSettings settings;
    private final Clock clock;

    public ValidateCommand(MigrationSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public ValidateResult execute() {
        var chains = new MigrationResolver(settings).resolve();
        try (MigrationSession session = MigrationSession.open(settings, false, clock)) {
            var reports = session.reports(chains);
            return new ValidateResult(Validation.problems(reports, false), reports, !session.missing());
        }
    }
}
