package io.pgwarden.instance;

import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.ProcessRunner;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A postmaster child process. Its PID is the postmaster's own (setpriv execs), so signals from
 * {@code kill} reach PostgreSQL directly; Java's Process API only knows TERM and KILL.
 */
public final class PostgresProcess implements ServerProcess {
    private static final Logger log = LoggerFactory.getLogger(PostgresProcess.class);
    /** kill returns at once; the limit only guards against a hung fork. */
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final ProcessRunner runner;
    private final String name;

    /** A mode asked for by {@link #escalate} while stopping; null until then. */
    private volatile ShutdownMode escalatedTo;

    public PostgresProcess(Process process, ProcessRunner runner, String name) {
        this.process = process;
        this.runner = runner;
        this.name = name;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public int waitForExit() throws InterruptedException {
        return process.waitFor();
    }

    @Override
    public void escalate(ShutdownMode mode) {
        if (process.isAlive()) {
            escalatedTo = mode;
            log.info("{}: {} shutdown of PostgreSQL (pid {}) now, as asked", name, mode.name().toLowerCase(), pid());
            signal(mode.signal());
        }
    }

    @Override
    public ShutdownMode stop(Duration timeout) {
        for (ShutdownMode mode : ShutdownMode.values()) {
            if (!process.isAlive()) {
                return null;
            }
            ShutdownMode asked = escalatedTo;
            if (asked != null && mode.compareTo(asked) < 0) {
                continue; // already escalated past this mode
            }
            log.info("{}: stopping PostgreSQL (pid {}) with {} shutdown", name, pid(), mode.name().toLowerCase());
            signal(mode.signal());
            try {
                if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    ShutdownMode done = escalatedTo != null && escalatedTo.compareTo(mode) > 0 ? escalatedTo : mode;
                    log.info("{}: PostgreSQL stopped ({} shutdown, exit {})", name, done.name().toLowerCase(), process.exitValue());
                    return done;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            log.warn("{}: PostgreSQL did not stop within {} s of {} shutdown", name, timeout.toSeconds(), mode.name().toLowerCase());
        }
        process.destroyForcibly();
        return ShutdownMode.IMMEDIATE;
    }

    @Override
    public void reload() {
        signal("HUP");
    }

    private void signal(String signal) {
        ProcessResult r = runner.run(List.of("kill", "-s", signal, Long.toString(pid())), KILL_TIMEOUT);
        if (!r.ok() && process.isAlive()) {
            log.warn("{}: kill -s {} {} failed: {}", name, signal, pid(), r.tail(2));
        }
    }
}
