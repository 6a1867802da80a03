package io.pgwarden.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pgwarden pgbouncer}: the parent of the PgBouncer subcommands; prints help when run alone. */
@Command(name = "pgbouncer",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"PgBouncer in front of PostgreSQL: 'init' makes it authenticate every user through PostgreSQL"
                + " (auth_query), so no userlist is kept by hand. 'pgwarden endpoints --pgbouncer-ini' keeps its"
                + " [databases] pointing at the primary.", ""},
        subcommands = {PgBouncerInitCommand.class})
public final class PgBouncerCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        // a script that forgot the subcommand must fail, not print help and "succeed"
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand; choose one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
