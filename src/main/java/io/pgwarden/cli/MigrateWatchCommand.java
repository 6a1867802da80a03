package io.pgwarden.cli;

import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.migrate.WatchCommand;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code pgwarden migrate watch}: apply now and whenever the directory changes. */
@Command(name = "watch", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Applies migrations now and whenever the directory changes.",
            "Changes include a ConfigMap update's atomic ..data symlink swap; applies are debounced. A failure is"
                + " reported and the watch goes on; a failed file is retried once it changes. Runs until stopped: SIGTERM"
                + " or Ctrl-C finish the current apply, release the lock and exit 0.", "",
            "Example:",
            "  CONFIGMAP_PATH=/etc/migrations \\",
            "      pgwarden migrate watch --url postgresql://app@db/shop", ""})
public final class MigrateWatchCommand extends AbstractCommand {
    @Mixin
    MigrateOptions options;

    @Mixin
    MigrateLockOptions lock;

    @Option(names = "--debounce", paramLabel = "DURATION",
            description = "Quiet period before applying after a change. Env: MIGRATE_DEBOUNCE. Default: 500ms.")
    String debounce;

    /** How long a signal waits for the current apply to finish before the JVM may exit anyway (below Kubernetes' 30 s grace). */
    private static final Duration STOP_WAIT = Duration.ofSeconds(25);

    private final java.util.concurrent.atomic.AtomicReference<Exception> failure =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** One {@code error:} line per failure on stderr (a JSON log line with --log-format json); the watch goes on. */
    private void report(String message) {
        if (io.pgwarden.core.log.LogSettings.isJson()) {
            org.slf4j.LoggerFactory.getLogger(MigrateWatchCommand.class).error(message);
        } else {
            err().println("error: " + message);
            err().flush();
        }
    }

    @Override
    protected int execute() throws Exception {
        String d = debounce != null ? debounce : env().get("MIGRATE_DEBOUNCE");
        Duration quiet = WatchCommand.DEFAULT_DEBOUNCE;
        if (d != null && !d.isBlank()) {
            try {
                quiet = Durations.parse(d);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(),
                        (debounce != null ? "--debounce" : "MIGRATE_DEBOUNCE") + "=" + d + ": " + e.getMessage());
            }
        }
        var settings = options.settings(sources(null), lock);
        out().println("Watching " + settings.dir() + " for " + settings.spec().display() + " (Ctrl-C to stop)");
        out().flush();
        WatchCommand watch = new WatchCommand(settings, quiet, Clock.SYSTEM, r -> {
            if (!r.outcomes().isEmpty()) {
                MigrateApplyCommand.print(out(), r);
            }
            r.failures().forEach(f -> report(f.message(true)));
        }, e -> report(e.getMessage()));
        Thread worker = new Thread(() -> {
            try {
                watch.execute();
            } catch (java.io.IOException | RuntimeException e) {
                failure.set(e); // rethrown on the command's thread, so Main maps it to an exit code
            }
        }, "pgwarden-migrate-watch");
        // SIGTERM/SIGINT end the watch after the current apply and execute() returns 0 (Kubernetes counts 143 as a failure)
        StopSignals.install("stopping migrate watch after the current apply", () -> {
            watch.stop();
            try {
                worker.join(STOP_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        worker.start();
        worker.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return 0;
    }
}
