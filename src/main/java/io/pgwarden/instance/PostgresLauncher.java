package io.pgwarden.instance;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts {@code postgres -D DIR} as a child (through setpriv as root) and waits until
 * {@code postmaster.pid} says {@code ready} or {@code standby}, which is what pg_ctl waits for, without
 * needing a password or a JDBC connection.
 */
public final class PostgresLauncher implements ServerLauncher {
    private static final Logger log = LoggerFactory.getLogger(PostgresLauncher.class);
    /** Reading a small file is cheap; 10 ms keeps start-up latency close to the server's own. */
    private static final Duration POLL = Duration.ofMillis(10);
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final ProcessRunner runner;
    private final ServerFiles files;
    private final PgBinaries binaries;
    private final InstanceConfig config;
    private final Clock clock;

    public PostgresLauncher(ProcessRunner runner, ServerFiles files, PgBinaries binaries, InstanceConfig config, Clock clock) {
        this.runner = runner;
        this.files = files;
        this.binaries = binaries;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public ServerProcess start() {
        Path log = config.serverLog();
        try {
            if (log != null) {
                Files.createDirectories(log.getParent());
                if (log.getParent().startsWith(config.dataDir())) {
                    files.chown(log.getParent());
                }
            }
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot create the server log directory "
                    + log.getParent() + ": " + e + ". Choose another --server-log.", e);
        }
        List<String> command = new java.util.ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            // a session of its own: Ctrl-C in a terminal reaches pgwarden only, which then stops PostgreSQL in
            // order (smart, fast, immediate); setsid execs (the child is no group leader), so the PID stays the postmaster's
            command.add(SETSID.toString());
        }
        command.addAll(files.privileges().asServerUser(
                List.of(binaries.program("postgres").toString(), "-D", config.dataDir().toString())));
        // names this process in the server's environment, so a later start can tell an orphan of a dead pgwarden
        Process process = runner.start(command, config.dataDir(), Map.of("LC_ALL", "C.UTF-8", OrphanedServer.AGENT_ENV,
                OrphanedServer.thisAgent()), log);
        PostgresProcess server = new PostgresProcess(process, runner, config.dataDir().getFileName().toString());
        PostgresLauncher.log.debug("postgres started with pid {}", process.pid());
        awaitReady(server);
        return server;
    }

    private void awaitReady(PostgresProcess server) {
        long deadline = clock.nanoTime() + config.startTimeout().toNanos();
        while (true) {
            var pid = PostmasterPid.read(config.dataDir());
            if (pid.isPresent() && pid.get().pid() == server.pid() && pid.get().acceptsConnections()) {
                return;
            }
            if (!server.isAlive()) {
                int code;
                try {
                    code = server.waitForExit();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    code = -1;
                }
                throw new PgWardenException(ErrorCode.POSTGRES_FAILED, "PostgreSQL exited (code " + code
                        + ") before accepting connections on " + config.dataDir() + "." + logTail());
            }
            if (clock.nanoTime() > deadline) {
                server.stop(config.stopTimeout());
                throw new PgWardenException(ErrorCode.POSTGRES_FAILED, "PostgreSQL did not accept connections within "
                        + config.startTimeout().toSeconds() + " s and was stopped." + logTail());
            }
            try {
                clock.sleep(POLL);
            } catch (InterruptedException e) {
                // stop first: with the interrupt flag set, running 'kill' would itself be interrupted
                server.stop(config.stopTimeout());
                Thread.currentThread().interrupt();
                throw new PgWardenException(ErrorCode.FAILED, "Interrupted while PostgreSQL was starting; it was stopped.", e);
            }
        }
    }

    /** The last lines of the server log, to show why it failed. */
    private String logTail() {
        Path log = config.serverLog();
        if (log == null || !Files.exists(log)) {
            return " See the server output above.";
        }
        try {
            List<String> lines = Files.readAllLines(log);
            List<String> tail = lines.subList(Math.max(0, lines.size() - 8), lines.size());
            return " Last lines of " + log + ":" + System.lineSeparator() + String.join(System.lineSeparator(), tail);
        } catch (IOException e) {
            return " See " + log + ".";
        }
    }
}
