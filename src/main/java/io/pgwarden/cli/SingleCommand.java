package io.pgwarden.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Builds only the subcommand being run instead of the whole tree. picocli builds the model of every
 * registered subcommand by reflection before running one; with a dozen subcommands that is most of
 * the CPU a short command spends (measured with bench/up-startup.sh: {@code pgwarden --version} costs
 * about 0.5 s of CPU with the full tree). The subcommand's name is found from the annotations alone,
 * which costs nothing; help, errors and exit codes are the same as through the tree.
 */
final class SingleCommand {
    private SingleCommand() {
    }

    /** The subcommand named {@code name}, ready to execute its own arguments, or null if there is none. */
    static CommandLine of(String name, Map<String, String> env) {
        Command root = PgWardenCommand.class.getAnnotation(Command.class);
        for (Class<?> cls : root.subcommands()) {
            Command c = cls.getAnnotation(Command.class);
            if (c != null && (c.name().equals(name) || java.util.Arrays.asList(c.aliases()).contains(name))) {
                CommandLine cli = Main.configure(new CommandLine(cls, Main.factory(env)));
                cli.setCommandName(root.name() + " " + c.name());
                if (cli.getCommandSpec().versionProvider() == null && cli.getCommandSpec().version().length == 0) {
                    cli.getCommandSpec().versionProvider(new VersionProvider());
                }
                return cli;
            }
        }
        return null;
    }
}
