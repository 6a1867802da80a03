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

    /**
     * Settings sources: this command's environment plus the optional YAML file. A key of the file that is
     * no option of any pgwarden command is reported with the first validation problems of the command
     * (exit code 2), before it does anything.
     */
    protected ConfigSources sources(Path configFile) {
        // one file may serve several commands (PGWARDEN_CONFIG), so any command's setting is accepted
        return ConfigSources.load(configFile, env).requireKnownKeys(ConfigKeys.ALL, "memory: 2GB");
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
