package io.pgwarden.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pgwarden backup}: the parent of the base backup subcommands; fails when run alone. */
@Command(name = "backup",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Physical base backups into a repository (a directory or S3), their catalogue, verification and"
                + " retention. Restore with 'pgwarden restore'; archive WAL with 'pgwarden wal push'.",
            "A backup is complete once its manifest is written, which happens only after every file and the WAL from"
                + " its start to its stop segment are in the repository.", "",
            "Examples:",
            "  pgwarden backup create --repo /srv/backups --data-dir ./pgwarden-data",
            "  AWS_REGION=eu-west-1 pgwarden backup create --repo s3://acme-db/prod",
            "  pgwarden backup list --repo /srv/backups --format json", ""},
        subcommands = {
            BackupCreateCommand.class,
            BackupListCommand.class,
            BackupVerifyCommand.class,
            BackupExpireCommand.class,
            BackupKeepCommand.class,
        })
public final class BackupCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand; choose one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
