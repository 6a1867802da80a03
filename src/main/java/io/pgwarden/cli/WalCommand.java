package io.pgwarden.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pgwarden wal}: archive_command and restore_command; fails when run alone. */
@Command(name = "wal",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"The WAL archive of a backup repository, for PostgreSQL's archive_command and restore_command.", "",
            "Examples:",
            "  archive_command = 'pgwarden wal push --repo /srv/backups %%p'",
            "  restore_command = 'pgwarden wal fetch --repo /srv/backups %%f %%p'", ""},
        subcommands = {
            WalPushCommand.class,
            WalFetchCommand.class,
        })
public final class WalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand; choose one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
