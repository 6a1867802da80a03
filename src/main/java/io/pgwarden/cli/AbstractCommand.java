package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every subcommand: applies the logging options, gives access to the environment the CLI
 * was started with (injected by {@link Main}'s factory, so tests pass their own), and returns the
 * exit code of {@link #execute()}.
 */
public abstract class AbstractCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Mixin
    LoggingMixin logging;

    private Map<String, String> env = System.getenv();

    void env(Map<String, String> environment) {
        this.env = environment;
    }

    protected Map<String, String> env() {
        return env;
    }

    /** Settings sources: this command's environment plus the optional YAML file. */
    protected ConfigSources sources(Path configFile) {
        ConfigSources sources = ConfigSources.load(configFile, env);
        // one file may serve several commands (PGWARDEN_CONFIG), so any command's setting is accepted
        java.util.Set<String> known = new java.util.TreeSet<>();
        collectOptionNames(spec.root(), known);
        known.removeAll(java.util.Set.of("help", "version", "config"));
        java.util.List<String> unknown = sources.unknownFileKeys(known);
        if (!unknown.isEmpty()) {
            throw new io.pgwarden.core.PgWardenException(io.pgwarden.core.ErrorCode.INVALID_INPUT,
                    "Configuration file " + sources.fileName() + ": unknown setting(s) " + String.join(", ", unknown)
                            + "; use the long option names without dashes, e.g. 'memory: 2GB' or 'port: 5433'.");
        }
        return sources;
    }

    private static void collectOptionNames(CommandSpec command, java.util.Set<String> names) {
        command.options().forEach(o -> {
            if (o.longestName().startsWith("--")) {
                names.add(o.longestName().substring(2));
            }
        });
        command.subcommands().values().forEach(sub -> collectOptionNames(sub.getCommandSpec(), names));
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /**
     * A warning for the user on stderr: {@code warning: text}, or a JSON log line with
     * {@code --log-format json}, so that every stderr line has the chosen format.
     */
    protected void warn(String text) {
        if (io.pgwarden.core.log.LogSettings.isJson()) {
            org.slf4j.LoggerFactory.getLogger(getClass()).warn(text);
        } else {
            err().println("warning: " + text);
            err().flush();
        }
    }

    @Override
    public final Integer call() throws Exception {
        logging.apply(env);
        return execute();
    }

    /** Runs the command; returns the process exit code. Failures are thrown as PgWardenException. */
    protected abstract int execute() throws Exception;
}
