package io.pgwarden.pg;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs external programs from argument arrays (never through a shell, so no quoting bugs and no
 * injection). Injected so that code deciding what to run can be tested without running it.
 */
public interface ProcessRunner {
    /**
     * Runs {@code command} to completion and captures its output.
     *
     * @param workDir  working directory, or null for the current one
     * @param extraEnv variables added to the inherited environment
     * @param timeout  the program is killed (and a {@code PgWardenException} thrown) after this
     * @throws io.pgwarden.core.PgWardenException ENVIRONMENT when the program cannot be started,
     *         FAILED on timeout
     */
    ProcessResult run(List<String> command, Path workDir, Map<String, String> extraEnv, Duration timeout);

    /**
     * Starts {@code command} without waiting; its output goes to {@code logFile} (appended) or is
     * inherited when {@code logFile} is null.
     */
    Process start(List<String> command, Path workDir, Map<String, String> extraEnv, Path logFile);

    /**
     * Starts {@code command} without waiting, its stdout and stderr merged into a pipe whose lines a
     * daemon thread hands to {@code outputLines} (e.g. to re-log them as JSON). The consumer must not
     * block for long: the child blocks once the pipe is full. Implementations that cannot pipe inherit
     * the output instead.
     */
    default Process startRelaying(List<String> command, Path workDir, Map<String, String> extraEnv,
            java.util.function.Consumer<String> outputLines) {
        return start(command, workDir, extraEnv, null);
    }

    default ProcessResult run(List<String> command, Duration timeout) {
        return run(command, null, Map.of(), timeout);
    }
}
