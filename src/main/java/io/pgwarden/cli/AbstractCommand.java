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
        return ConfigSources.load(configFile, env);
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public final Integer call() throws Exception {
        logging.apply(env);
        return execute();
    }

    /** Runs the command; returns the process exit code. Failures are thrown as PgWardenException. */
    protected abstract int execute() throws Exception;
}
