package io.pgwarden.migrate;

import io.pgwarden.core.Clock;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Shows what {@code apply} would run, in order, with checksums and how each file runs; parses every file
 * (so a file mixing transactional and non-transactional statements is reported now) and touches nothing.
 */
public final class PlanCommand {
    /** Assumed server version when the database does not exist yet: the oldest pgwarden runs. */
    private static final int DEFAULT_MAJOR = 15;

    /** Plan never applies anything: its refusals say what apply would do. */
    static final String APPLY_WOULD_REFUSE = "plan stops here (apply would refuse too)";

    private final MigrationSettings settings;
    private final boolean retryFailed;
    private final Clock clock;

    public PlanCommand(MigrationSettings settings, boolean retryFailed, Clock clock) {
        this.settings = settings;
        this.retryFailed = retryFailed;
        this.clock = clock;
    }

    public PlanResult execute() {
        var chains = new MigrationResolver(settings.dir(), APPLY_WOULD_REFUSE, settings.oneChain()).resolve();
        try (MigrationSession session = MigrationSession.open(settings, false, clock)) {
            List<ChainReport> reports = session.reports(chains);
            int major = session.missing() ? DEFAULT_MAJOR : session.serverMajor();
            List<PlannedMigration> planned = new ArrayList<>();
            Placeholders placeholders = settings.placeholderValues(clock);
            for (ChainReport r : reports) {
                for (MigrationInfo i : r.toApply(retryFailed ? RetryPolicy.RETRY : RetryPolicy.REFUSE)) {
                    SqlScript s = SqlScript.load(i.file(), major, APPLY_WOULD_REFUSE, placeholders);
                    ResolvedMigration f = i.file();
                    planned.add(new PlannedMigration(f.group(), f.script(), f.type(),
                            f.version() == null ? null : f.version().toString(), f.description(), f.checksum(),
                            s.transactional(), s.statementCount(), i.state() == MigrationState.FAILED, f.reading(),
                            s.runs()));
                }
            }
            return new PlanResult(planned, Validation.problems(reports, retryFailed));
        } catch (SQLException e) {
            throw new io.pgwarden.core.PgWardenException(io.pgwarden.core.ErrorCode.FAILED,
                    "Could not read the server version of " + settings.spec().display() + ": " + e.getMessage(), e);
        }
    }
}
