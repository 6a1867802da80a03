package io.pgwarden.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code pgwarden} command; shows help when run without a subcommand. */
@Command(name = "pgwarden",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Runs PostgreSQL in production: tunes, supervises, migrates, checks health and routes clients.", ""},
        subcommands = {
                UpCommand.class,
                RunCommand.class,
                SidecarCommand.class,
                TuneCommand.class,
                MigrateCommand.class,
                EndpointsCommand.class,
                WaitCommand.class,
                HealthcheckCommand.class,
                StatusCommand.class,
                PromoteCommand.class,
                RejoinCommand.class,
                BackupCommand.class,
                RestoreCommand.class,
                WalCommand.class,
                DumpCommand.class,
                LoadCommand.class,
                CertsCommand.class,
                PgBouncerCommand.class,
        })
public final class PgWardenCommand implements Runnable {
    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    public PgWardenCommand(Map<String, String> env) {
        this.env = env;
    }

    /** The environment the CLI was started with; subcommands read it through their parent. */
    public Map<String, String> env() {
        return env;
    }

    @Override
    public void run() {
        // a script that forgot the subcommand must fail, not print help and "succeed"
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand; choose one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
