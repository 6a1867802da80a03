package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Builds only the subcommand being run instead of the whole tree. picocli builds the model of every
 * registered subcommand by reflection before running one; with a dozen subcommands that is most of
 * the CPU a short command spends (measured with bench/up-startup.sh: {@code pgwarden --version} costs
 * about 0.5 s of CPU with the full tree). The subcommand's name is found from the annotations alone,
 * which costs nothing; help, errors and exit codes are the same as through the tree. A nested subcommand
 * ({@code migrate apply}) is built alone too (its seven siblings cost a no-op {@code migrate apply} about a
 * tenth of its time), except when a configuration file is given: its keys are checked against the options of
 * every command built ({@link AbstractCommand#sources}), so the siblings are then built as before.
 */
final class SingleCommand {
    private SingleCommand() {
    }

    /** What to run: the command line of the subcommand, and how many leading arguments named it. */
    record Found(CommandLine commandLine, int namedBy) {
    }

    /** The subcommand named {@code name}, ready to execute its own arguments, or null if there is none. */
    static CommandLine of(String name, Map<String, String> env) {
        Found found = find(new String[] {name}, env);
        return found == null ? null : found.commandLine();
    }

    /**
     * The subcommand the leading arguments name ({@code up}, or {@code migrate apply}), ready to execute the
     * arguments after {@link Found#namedBy()}; null when the first argument names none.
     */
    static Found find(String[] args, Map<String, String> env) {
        Command root = PgWardenCommand.class.getAnnotation(Command.class);
        Class<?> top = args.length == 0 ? null : named(root, args[0]);
        if (top == null) {
            return null;
        }
        String name = root.name() + " " + top.getAnnotation(Command.class).name();
        String config = env.get(ConfigSources.CONFIG_ENV);
        if (args.length > 1 && (config == null || config.isBlank())) {
            Class<?> nested = named(top.getAnnotation(Command.class), args[1]);
            if (nested != null) {
                return new Found(build(nested, name + " " + nested.getAnnotation(Command.class).name(), env), 2);
            }
        }
        return new Found(build(top, name, env), 1);
    }

    /** The subcommand class of {@code parent} called {@code name} (or with that alias), or null. */
    private static Class<?> named(Command parent, String name) {
        for (Class<?> cls : parent.subcommands()) {
            Command c = cls.getAnnotation(Command.class);
            if (c != null && (c.name().equals(name) || java.util.Arrays.asList(c.aliases()).contains(name))) {
                return cls;
            }
        }
        return null;
    }

    private static CommandLine build(Class<?> cls, String qualifiedName, Map<String, String> env) {
        CommandLine cli = Main.configure(new CommandLine(cls, Main.factory(env)));
        cli.setCommandName(qualifiedName);
        if (cli.getCommandSpec().versionProvider() == null && cli.getCommandSpec().version().length == 0) {
            cli.getCommandSpec().versionProvider(new VersionProvider());
        }
        return cli;
    }
}
