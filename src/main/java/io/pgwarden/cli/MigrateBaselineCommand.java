package io.pgwarden.cli;

import io.pgwarden.core.Clock;
import io.pgwarden.migrate.BaselineCommand;
import io.pgwarden.migrate.BaselineResult;
import io.pgwarden.migrate.MigrationVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code pgwarden migrate baseline --version V}: marks an existing database as migrated up to V. */
@Command(name = "baseline", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Marks everything up to --version as applied on a database whose schema already exists, so",
            "those files never run there. Refuses a chain that already has history.", "",
            "Example: pgwarden migrate baseline --version 12 --url postgresql://app@db/shop --dir ./migrations", ""})
public final class MigrateBaselineCommand extends AbstractCommand {
    @Mixin
    MigrateOptions options;

    @Option(names = "--version", required = true, paramLabel = "VERSION", description = "The baseline version, e.g. 12 or 2024.01.05.")
    String version;

    @Option(names = "--group", paramLabel = "GROUP", description = "Only this chain (a group subdirectory); default: every chain.")
    String group;

    @Override
    protected int execute() {
        MigrationVersion v;
        try {
            v = MigrationVersion.parse(version);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--version=" + version + ": " + e.getMessage());
        }
        BaselineResult r = new BaselineCommand(options.settings(sources(null)), v, group, Clock.SYSTEM).execute();
        out().println("Baselined at version " + r.version() + ": " + String.join(", ", r.chains()));
        out().flush();
        return 0;
    }
}
