package io.pgwarden.agent;

import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A {@link ProcessRunner} whose long-running children that would inherit this process's output
 * (no log file) have their output relayed line by line to a consumer instead; everything else is
 * delegated unchanged. {@code pgwarden run --log-format json --server-log -} uses it so that
 * PostgreSQL's lines become JSON log lines.
 */
final class RelayingProcessRunner implements ProcessRunner {
    private final ProcessRunner delegate;
    private final Consumer<String> lines;

    RelayingProcessRunner(ProcessRunner delegate, Consumer<String> lines) {
        this.delegate = delegate;
        this.lines = lines;
    }

    @Override
    public ProcessResult run(List<String> command, Path workDir, Map<String, String> extraEnv, Duration timeout) {
        return delegate.run(command, workDir, extraEnv, timeout);
    }

    @Override
    public Process start(List<String> command, Path workDir, Map<String, String> extraEnv, Path logFile) {
        return logFile != null ? delegate.start(command, workDir, extraEnv, logFile)
                : delegate.startRelaying(command, workDir, extraEnv, lines);
    }

    @Override
    public Process startRelaying(List<String> command, Path workDir, Map<String, String> extraEnv,
            Consumer<String> outputLines) {
        return delegate.startRelaying(command, workDir, extraEnv, outputLines);
    }
}
