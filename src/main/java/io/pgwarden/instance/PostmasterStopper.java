package io.pgwarden.instance;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a postmaster that pgwarden may not have started (found through {@code postmaster.pid}): a fast
 * shutdown, which is clean (a final checkpoint, as pg_rewind wants), then immediate after the timeout.
 */
public final class PostmasterStopper {
    private static final Logger log = LoggerFactory.getLogger(PostmasterStopper.class);
    /** kill returns at once; the limit only guards against a hung fork. */
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private final ProcessRunner runner;

    public PostmasterStopper(ProcessRunner runner) {
        this.runner = runner;
    }

    /** Stops the server of {@code dataDir}; returns the mode that stopped it, or null if none was running. */
    public ShutdownMode stop(Path dataDir, Duration timeout) {
        Optional<Long> pid = new DataDirectory(dataDir).runningPostmaster();
        if (pid.isEmpty()) {
            return null;
        }
        ProcessHandle handle = ProcessHandle.of(pid.get()).orElse(null);
        if (handle == null) {
            return null;
        }
        for (ShutdownMode mode : List.of(ShutdownMode.FAST, ShutdownMode.IMMEDIATE)) {
            log.info("{}: stopping PostgreSQL (pid {}) with {} shutdown", dataDir, pid.get(), mode.name().toLowerCase());
            runner.run(List.of("kill", "-s", mode.signal(), Long.toString(pid.get())), KILL_TIMEOUT);
            try {
                handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return mode;
            } catch (TimeoutException e) {
                log.warn("{}: PostgreSQL did not stop within {} s of {} shutdown", dataDir, timeout.toSeconds(), mode.name().toLowerCase());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                return mode;
            }
        }
        throw new PgWardenException(ErrorCode.FAILED, "PostgreSQL (pid " + pid.get() + ") of " + dataDir
                + " did not stop; stop it by hand (pg_ctl -D " + dataDir + " stop -m immediate) and run again.");
    }
}
