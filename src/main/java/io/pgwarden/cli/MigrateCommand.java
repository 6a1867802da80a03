package io.pgwarden.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pgwarden migrate}: the parent of the migration subcommands; prints help when run alone. */
@Command(name = "migrate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Schema migrations that are safe to run from every pod at once.",
            "Files: V<version>__<description>.sql, R__<description>.sql (repeatable), <NNN>_<description>.sql,"
                + " optionally in one level of group subdirectories (each an independent chain).", "",
            "Examples:",
            "  pgwarden migrate apply --url postgresql://app@db/shop --dir ./migrations",
            "  pgwarden migrate info --format json",
            "  pgwarden migrate plan", ""},
        subcommands = {
            MigrateApplyCommand.class,
            MigrateInfoCommand.class,
            MigrateValidateCommand.class,
            MigrateRepairCommand.class,
            MigrateBaselineCommand.class,
            MigratePlanCommand.class,
            MigrateWatchCommand.class,
        })
public final class MigrateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        // a script that forgot the subcommand must fail, not print help and "succeed"
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand; choose one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
