package io.pgwarden.cli;

import io.pgwarden.agent.MigrateWatchAgent;
import io.pgwarden.agent.StopSignal;
import io.pgwarden.config.Problems;
import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.migrate.WatchCommand;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
            description = "Quiet period before applying after a change. Env: MIGRATE_DEBOUNCE; config file key: debounce. Default: 500ms.")
    String debounce;

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
        var src = sources(null);
        Problems problems = new Problems();
        // flag > MIGRATE_DEBOUNCE > the config file's debounce: key > 500ms, like every other setting
        Duration quiet = src.resolve(problems, WatchCommand.DEFAULT_DEBOUNCE, Durations::parse, "--debounce", debounce,
                "MIGRATE_DEBOUNCE");
        problems.throwIfAny();
        var settings = options.settings(src, lock);
        out().println("Watching " + settings.dir() + " for " + settings.spec().display() + " (Ctrl-C to stop)");
        out().flush();
        // SIGTERM/SIGINT end the watch after the current apply and execute() returns 0 (Kubernetes counts 143 as a failure)
        StopSignal stop = StopSignal.install("stopping migrate watch after the current apply");
        return new MigrateWatchAgent(settings, quiet, Clock.SYSTEM, r -> {
            if (!r.outcomes().isEmpty()) {
                MigrateApplyCommand.print(out(), r);
            }
            r.failures().forEach(f -> report(f.message(true)));
        }, e -> report(e.getMessage())).run(stop);
    }
}
