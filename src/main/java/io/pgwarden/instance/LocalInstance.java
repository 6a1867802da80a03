package io.pgwarden.instance;

import io.pgwarden.core.Clock;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * One local PostgreSQL, from an empty directory to a supervised server: {@link #prepare()} checks
 * ({@link Preflight}), initialises on first use ({@link InitDb}) and writes the managed configuration
 * ({@link ServerConfigWriter}); {@link #supervisor} starts and keeps it running. A facade: each step
 * is its own command object.
 */
public final class LocalInstance {
    private final InstanceConfig config;
    private final PgBinaries binaries;
    private final ProcessRunner runner;
    private final ServerFiles files;
    private final Clock clock;

    public LocalInstance(InstanceConfig config, PgBinaries binaries, ProcessRunner runner, ServerFiles files, Clock clock) {
        this.config = config;
        this.binaries = binaries;
        this.runner = runner;
        this.files = files;
        this.clock = clock;
    }

    /** What {@link #prepare()} did. {@code passwordFile} is null when the directory has none (not made by pgwarden). */
    public record Prepared(boolean initialised, Path passwordFile, ServerConfigWriter.Written config) {
    }

    public Prepared prepare() {
        Preflight.Result pre = new Preflight(files.privileges()).check(config, binaries);
        boolean init = pre.needsInit();
        if (init) {
            new InitDb(runner, files, binaries).execute(config);
        }
        ServerConfigWriter.Written written = new ServerConfigWriter(files).write(config, init);
        Path pw = Files.isRegularFile(config.passwordFile()) ? config.passwordFile() : null;
        return new Prepared(init, pw, written);
    }

    /** A supervisor that starts this instance when run. */
    public Supervisor supervisor(Consumer<Supervisor.Event> events) {
        return new Supervisor(new PostgresLauncher(runner, files, binaries, config, clock), config.restartPolicy(), clock,
                config.stopTimeout(), events);
    }

    public InstanceConfig config() {
        return config;
    }

    public PgBinaries binaries() {
        return binaries;
    }
}
