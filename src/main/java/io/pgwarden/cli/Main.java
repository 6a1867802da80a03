package io.pgwarden.cli;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.core.Secrets;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/** Entry point. The only class that calls {@link System#exit(int)}. */
public final class Main {
    static {
        // Start-up cost of a short command: a class or service looked up in vain makes the class loader open every
        // jar of the class path. picocli looks for Groovy's closure class unless told not to, and SLF4J scans every
        // jar for its provider unless one is named (SLF4J 2.0.9+), which it then announces unless told to be quiet.
        defaultProperty("picocli.disable.closures", "true");
        defaultProperty("slf4j.provider", io.pgwarden.core.log.PgWardenServiceProvider.class.getName());
        defaultProperty("slf4j.internal.verbosity", "WARN");
    }

    private Main() {
    }

    /** Sets a system property unless the user set it (-D wins). */
    private static void defaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    /** Runs the CLI and returns the exit code; tests call this instead of {@link #main}. */
    public static int run(String[] args, Map<String, String> env) {
        if (jsonRequested(args, env)) {
            // before parsing, so that even a usage error comes out as a JSON line
            io.pgwarden.core.log.LogSettings.configure(io.pgwarden.core.log.LogFormat.JSON, org.slf4j.event.Level.INFO);
        }
        SingleCommand.Found single = SingleCommand.find(args, env);
        if (single != null) {
            return single.commandLine().execute(java.util.Arrays.copyOfRange(args, single.namedBy(), args.length));
        }
        CommandLine cli = commandLine(env);
        return cli.execute(args);
    }

    /** The configured command tree, with exception handling that maps errors to documented exit codes. */
    public static CommandLine commandLine(Map<String, String> env) {
        return configure(new CommandLine(new PgWardenCommand(env), factory(env)));
    }

    /** Creates commands with the CLI's environment injected. */
    static CommandLine.IFactory factory(Map<String, String> env) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        return new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K instance = defaults.create(cls);
                if (instance instanceof AbstractCommand command) {
                    command.env(env);
                }
                return instance;
            }
        };
    }

    /** Error handling, parsing options and the exit-code footer every command line gets. */
    static CommandLine configure(CommandLine cli) {
        cli.setExecutionExceptionHandler(Main::handle);
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setUsageHelpAutoWidth(true);
        addExitCodeFooter(cli);
        return cli;
    }

    /** Every command's help ends with the exit-code table, unless it documents its own. */
    private static void addExitCodeFooter(CommandLine cmd) {
        var usage = cmd.getCommandSpec().usageMessage();
        if (usage.exitCodeList().isEmpty() && usage.footer().length == 0) {
            usage.exitCodeListHeading("%nExit codes:%n");
            usage.exitCodeList(ExitCodes.table());
        }
        cmd.getSubcommands().values().forEach(Main::addExitCodeFooter);
    }

    static boolean jsonRequested(String[] args, Map<String, String> env) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--log-format=json") || (args[i].equals("--log-format") && i + 1 < args.length
                    && args[i + 1].equals("json"))) {
                return true;
            }
        }
        return "json".equalsIgnoreCase(env.getOrDefault("LOG_FORMAT", "").trim());
    }

    /** A usage error: one line saying what is wrong and where help is, not the whole help text. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String message = Secrets.mask(e instanceof CommandLine.UnmatchedArgumentException u ? UnknownArguments.describe(u)
                : e.getMessage());
        if (io.pgwarden.core.log.LogSettings.isJson()) {
            org.slf4j.LoggerFactory.getLogger(Main.class).error("{} (see '{} --help')", message,
                    cmd.getCommandSpec().qualifiedName());
        } else {
            PrintWriter err = cmd.getErr();
            err.println("error: " + message);
            err.println("See '" + cmd.getCommandSpec().qualifiedName() + " --help' for options and examples.");
            err.flush();
        }
        return invalidInputCode(cmd);
    }

    /**
     * {@link ErrorCode#INVALID_INPUT}'s exit code, unless the command has its own for invalid input
     * ({@code exitCodeOnInvalidInput}, e.g. healthcheck, whose 2 means "critical").
     */
    private static int invalidInputCode(CommandLine cmd) {
        int own = cmd.getCommandSpec().exitCodeOnInvalidInput();
        return own == CommandLine.ExitCode.USAGE ? ErrorCode.INVALID_INPUT.exitCode() : own;
    }

    /** Prints {@code error: message} (or a JSON log line in JSON mode). */
    private static void printError(PrintWriter err, String message) {
        if (io.pgwarden.core.log.LogSettings.isJson()) {
            org.slf4j.LoggerFactory.getLogger(Main.class).error(message);
        } else {
            err.println("error: " + message);
        }
    }

    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        if (e instanceof PgWardenException pe) {
            printError(err, pe.getMessage());
            if (pe.getCause() != null && isDebug()) {
                pe.getCause().printStackTrace(err);
            }
            err.flush();
            return pe.code() == ErrorCode.INVALID_INPUT ? invalidInputCode(cmd) : pe.code().exitCode();
        }
        if (e instanceof CommandLine.ParameterException pe) {
            return usageError(pe, new String[0]);
        }
        printError(err, "internal error " + e.getClass().getSimpleName() + ": " + Secrets.mask(e.getMessage())
                + " (a bug in pgwarden; rerun with --log-level debug and report it)");
        if (isDebug()) {
            e.printStackTrace(err);
        }
        err.flush();
        return ErrorCode.INTERNAL.exitCode();
    }

    private static boolean isDebug() {
        return org.slf4j.LoggerFactory.getLogger(Main.class).isDebugEnabled();
    }
}
