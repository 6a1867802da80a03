package io.pgwarden.cli;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.migrate.ApplyCommand;
import io.pgwarden.migrate.ApplyResult;
import io.pgwarden.migrate.ExecutionOutcome;
import io.pgwarden.migrate.MigrationFailure;
import io.pgwarden.migrate.RetryPolicy;
import java.io.PrintWriter;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden migrate apply}: validates, then applies pending migrations. */
@Command(name = "apply", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Applies pending migrations.",
            "Each file runs in its own transaction (or outside one when it must), serialised across runners by a"
                + " session-level advisory lock. Creates the database when missing. Refuses to run when applied files"
                + " changed or are missing, or a failed migration is recorded.", "",
            "Example:",
            "  DATABASE_URL=postgresql://app@db/shop MIGRATIONS_DIR=/migrations \\",
            "      pgwarden migrate apply", ""})
public final class MigrateApplyCommand extends AbstractCommand {
    @Mixin
    MigrateOptions options;

    @Mixin
    MigrateLockOptions lock;

    @Option(names = "--retry-failed",
            description = "Run migrations recorded as failed again instead of refusing (a failed transactional file left nothing behind).")
    boolean retryFailed;

    @Option(names = "--skip-validation",
            description = "Apply even when applied files changed or are missing (warns about each); implies --retry-failed.")
    boolean skipValidation;

    @Override
    protected int execute() {
        ApplyResult r = new ApplyCommand(options.settings(sources(null), lock),
                retryFailed ? RetryPolicy.RETRY : RetryPolicy.REFUSE, skipValidation, Clock.SYSTEM).execute();
        print(out(), r);
        if (!r.success()) {
            throw new PgWardenException(ErrorCode.MIGRATION_FAILED, r.failures().stream().map(MigrationFailure::message)
                    .collect(Collectors.joining(System.lineSeparator())));
        }
        return 0;
    }

    static void print(PrintWriter out, ApplyResult r) {
        if (r.outcomes().isEmpty()) {
            out.println("Up to date: " + r.upToDate() + " migration" + (r.upToDate() == 1 ? "" : "s")
                    + " already applied, nothing to do.");
            out.flush();
            return;
        }
        for (ExecutionOutcome o : r.outcomes()) {
            out.println((o.success() ? "applied " : "FAILED  ") + o.migration().script() + " (" + o.millis() + " ms"
                    + (o.transactional() ? "" : ", " + o.mode().words()) + ")");
        }
        out.println("Applied " + r.appliedCount() + " migration" + (r.appliedCount() == 1 ? "" : "s") + ", "
                + r.failures().size() + " failed, " + r.upToDate() + " already applied.");
        out.flush();
    }
}
