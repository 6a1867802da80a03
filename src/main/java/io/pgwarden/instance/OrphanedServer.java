package io.pgwarden.instance;

import io.pgwarden.pg.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL that a pgwarden started and that outlived it (the agent was killed with SIGKILL, so nothing stopped
 * its child, which now runs with parent PID 1 and nobody supervising it). Every server {@link PostgresLauncher}
 * starts carries {@value #AGENT_ENV}=PID:START in its environment, naming the JVM that started it; the server of a
 * data directory whose agent is gone (no such process, or the PID reused by another one) is an orphan. A server
 * without the marker (started with pg_ctl, by hand) is never taken for one.
 */
public final class OrphanedServer {
    private static final Logger log = LoggerFactory.getLogger(OrphanedServer.class);
    /** The environment variable naming the pgwarden process that started a server. */
    public static final String AGENT_ENV = "PGWARDEN_AGENT";
    /** Start times come from /proc in clock ticks; two reads of one process agree well within a second. */
    private static final long START_TOLERANCE_MILLIS = 1000;

    private final ProcessRunner runner;

    public OrphanedServer(ProcessRunner runner) {
        this.runner = runner;
    }

    /** The pgwarden that started a server: its PID and start time (epoch ms). */
    public record Agent(long pid, long startMillis) {
        /** True while that very process (not a later one with its PID) runs. */
        public boolean alive() {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).flatMap(h -> h.info().startInstant())
                    .map(t -> Math.abs(t.toEpochMilli() - startMillis) <= START_TOLERANCE_MILLIS).orElse(false);
        }
    }

    /** An orphan that was stopped: its PID, the dead agent's PID, and the shutdown that worked. */
    public record Stopped(long serverPid, long agentPid, ShutdownMode mode) {
    }

    /** The value of {@value #AGENT_ENV} for the servers this process starts. */
    static String thisAgent() {
        ProcessHandle me = ProcessHandle.current();
        return me.pid() + ":" + me.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /** The agent named in the environment of process {@code pid}; empty when there is none or it cannot be read. */
    public static Optional<Agent> startedBy(long pid) {
        try {
            for (String entry : new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"))).split("\0")) {
                if (entry.startsWith(AGENT_ENV + "=")) {
                    String[] parts = entry.substring(AGENT_ENV.length() + 1).split(":");
                    return Optional.of(new Agent(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not readable (another user's process, no /proc) or not ours: not an orphan we may stop
        }
        return Optional.empty();
    }

    /**
     * Stops the running server of {@code dataDir} when the pgwarden that started it is gone (fast shutdown, immediate
     * after {@code timeout}), so the caller can start it again under supervision.
     *
     * @return what was stopped, or null when no server runs there or it is not an orphan
     */
    public Stopped stopIfOrphaned(Path dataDir, Duration timeout) {
        Optional<Long> pid = new DataDirectory(dataDir).runningPostmaster();
        if (pid.isEmpty()) {
            return null;
        }
        Optional<Agent> agent = startedBy(pid.get());
        if (agent.isEmpty() || agent.get().alive()) {
            return null;
        }
        log.warn("{}: PostgreSQL (pid {}) was started by pgwarden (pid {}), which is gone; stopping it to start it supervised",
                dataDir, pid.get(), agent.get().pid());
        ShutdownMode mode = new PostmasterStopper(runner).stop(dataDir, timeout);
        return new Stopped(pid.get(), agent.get().pid(), mode);
    }
}
