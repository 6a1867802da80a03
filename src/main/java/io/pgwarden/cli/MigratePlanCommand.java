package io.pgwarden.cli;

import io.pgwarden.core.Clock;
import io.pgwarden.migrate.PlanCommand;
import io.pgwarden.migrate.PlanResult;
import io.pgwarden.migrate.PlannedMigration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden migrate plan}: what apply would run, touching nothing. */
@Command(name = "plan", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Shows what apply would run, in order. Touches nothing.",
            "With checksums and whether each file runs in a transaction; parses every file (mixed files are"
                + " reported now).", "",
            "Example:",
            "  pgwarden migrate plan --url postgresql://app@db/shop --dir ./migrations", ""})
public final class MigratePlanCommand extends AbstractCommand {
    @Mixin
    MigrateOptions options;

    @Option(names = "--retry-failed", description = "Plan as apply --retry-failed would run.")
    boolean retryFailed;

    @Override
    protected int execute() {
        PlanResult r = new PlanCommand(options.settings(sources(null)), retryFailed, Clock.SYSTEM).execute();
        if (r.migrations().isEmpty()) {
            out().println("Nothing to apply.");
        }
        int n = 1;
        for (PlannedMigration p : r.migrations()) {
            out().printf("%4d. %-50s %-10s checksum %-11d %s%s%n", n++, p.script(),
                    p.version() == null ? "repeatable" : "v" + p.version(), p.checksum(), p.runs(),
                    p.retry() ? " (retry of a failed run)" : "");
            if (!p.reading().isEmpty()) {
                out().println("      read as " + p.reading() + (p.type() == io.pgwarden.migrate.MigrationType.BASELINE_MIGRATION
                        ? ": runs instead of the versioned files up to v" + p.version() + " (the chain has no history)" : ""));
            }
        }
        if (!r.problems().isEmpty()) {
            out().println("apply would refuse to run until these are resolved:");
            r.problems().forEach(p -> out().println("  " + p));
        }
        out().flush();
        return 0;
    }
}
