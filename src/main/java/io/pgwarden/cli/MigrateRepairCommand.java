package io.pgwarden.cli;

import io.pgwarden.core.Clock;
import io.pgwarden.migrate.RepairCommand;
import io.pgwarden.migrate.RepairResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pgwarden migrate repair}: removes failed records, realigns checksums of changed files. */
@Command(name = "repair", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Repairs the history so apply can run again.",
            "Removes failed records (the fixed file runs on the next apply) and realigns the recorded checksums"
                + " of applied files that changed (accepting them as they are). Prints each change.", "",
            "Example:",
            "  pgwarden migrate repair --url postgresql://app@db/shop --dir ./migrations", ""})
public final class MigrateRepairCommand extends AbstractCommand {
    @Mixin
    MigrateOptions options;

    @Mixin
    MigrateLockOptions lock;

    @Override
    protected int execute() {
        RepairResult r = new RepairCommand(options.settings(sources(null), lock), Clock.SYSTEM).execute();
        if (r.changes().isEmpty()) {
            out().println("Nothing to repair.");
        }
        r.changes().forEach(c -> out().println(c));
        out().flush();
        return 0;
    }
}
