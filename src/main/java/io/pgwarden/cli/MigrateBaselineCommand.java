package io.pgwarden.cli;

import io.pgwarden.core.Clock;
import io.pgwarden.migrate.BaselineCommand;
import io.pgwarden.migrate.BaselineResult;
import io.pgwarden.migrate.MigrationVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code pgwarden migrate baseline --baseline-version V}: marks an existing database as migrated up to V. */
@Command(name = "baseline", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:baselined", "1:the server did not answer", "2:refused: the database does not exist, no file"
                + " of that version, no such chain, or an invalid flag", "6:refused: a chain baselined already has migration"
                + " history", "7:timed out waiting for the migration lock"},
        description = {"Marks an existing database as migrated up to --baseline-version.",
            "Files up to that version never run there. Applies to the root chain, to the",
            "chain named by --group, or to every chain with --all-groups. The version must",
            "be that of a file in each chain baselined (so no future file is hidden),",
            "unless the directory has no migration files yet. Refuses a database that",
            "does not exist (it is never created) and a chain that already has history.",
            "Nothing is written when refused.", "",
            "Examples:",
            "  pgwarden migrate baseline --baseline-version 12 --dir ./migrations",
            "  pgwarden migrate baseline --baseline-version 3 --group gcp", ""})
public final class MigrateBaselineCommand extends AbstractCommand {
    @Mixin
    MigrateOptions options;

    @Mixin
    MigrateLockOptions lock;

    @Option(names = "--baseline-version", required = true, paramLabel = "VERSION",
            description = "The baseline version, e.g. 12 or 2024.01.05; a file of that version must exist in each chain baselined.")
    String version;

    @Option(names = "--group", paramLabel = "GROUP", description = "Baseline this chain (a group subdirectory) instead of the root chain.")
    String group;

    @Option(names = "--all-groups", description = "Baseline every chain (the root one and every group) at the same version.")
    boolean allGroups;

    @Override
    protected int execute() {
        MigrationVersion v;
        try {
            v = MigrationVersion.parse(version);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--baseline-version=" + version + ": " + e.getMessage());
        }
        if (group != null && allGroups) {
            throw new ParameterException(spec.commandLine(), "--group=" + group + " and --all-groups exclude each other;"
                    + " give one of them (or neither, for the root chain).");
        }
        BaselineResult r = new BaselineCommand(options.settings(sources(null), lock), v,
                allGroups ? BaselineCommand.ALL_GROUPS : group == null ? "" : group, Clock.SYSTEM).execute();
        out().println("Baselined at version " + r.version() + ": " + String.join(", ", r.chains()));
        out().flush();
        return 0;
    }
}
