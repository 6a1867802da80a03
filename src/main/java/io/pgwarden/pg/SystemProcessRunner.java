package io.pgwarden.pg;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ProcessRunner} backed by {@link ProcessBuilder}. */
public final class SystemProcessRunner implements ProcessRunner {
    private static final Logger log = LoggerFactory.getLogger(SystemProcessRunner.class);

    @Override
    public ProcessResult run(List<String> command, Path workDir, Map<String, String> extraEnv, Duration timeout) {
        log.debug("running {}", command);
        ProcessBuilder pb = builder(command, workDir, extraEnv);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = launch(pb, command);
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new PgWardenException(ErrorCode.FAILED, "'" + String.join(" ", command) + "' did not finish within "
                        + timeout.toSeconds() + "s and was killed.");
            }
            return new ProcessResult(List.copyOf(command), p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new PgWardenException(ErrorCode.FAILED, "interrupted while running " + command.get(0), e);
        }
    }

    @Override
    public Process start(List<String> command, Path workDir, Map<String, String> extraEnv, Path logFile) {
        log.debug("starting {}", command);
        ProcessBuilder pb = builder(command, workDir, extraEnv);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (logFile != null) {
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        } else {
            pb.inheritIO();
        }
        return launch(pb, command);
    }

    @Override
    public Process startRelaying(List<String> command, Path workDir, Map<String, String> extraEnv,
            java.util.function.Consumer<String> outputLines) {
        log.debug("starting {} (output relayed line by line)", command);
        ProcessBuilder pb = builder(command, workDir, extraEnv);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectErrorStream(true);
        Process process = launch(pb, command);
        LineRelay.start(process.getInputStream(), outputLines, Path.of(command.get(0)).getFileName() + "-output-"
                + process.pid());
        return process;
    }

    private static ProcessBuilder builder(List<String> command, Path workDir, Map<String, String> extraEnv) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        // pgwarden resolves PGPORT, PGDATA, PGHOST ... itself (a flag wins over them); a child that inherited them
        // would apply them again behind its back: initdb and postgres read PGPORT/PGDATA, pg_basebackup/psql read
        // PGHOST/PGOPTIONS/PGSSLMODE. Whatever a child needs is passed explicitly in extraEnv or its arguments.
        pb.environment().keySet().removeIf(SystemProcessRunner::isLibpqVariable);
        pb.environment().putAll(extraEnv);
        return pb;
    }

    /** PG* variables libpq and the server programs read ({@code PGPORT}, {@code PGDATA} ...); not PGWARDEN_* or PG_BINDIR. */
    static boolean isLibpqVariable(String name) {
        return name.startsWith("PG") && !name.startsWith("PGWARDEN_") && !name.startsWith("PG_");
    }

    private static Process launch(ProcessBuilder pb, List<String> command) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT,
                    "Cannot run '" + command.get(0) + "': " + e.getMessage(), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                return buf.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
