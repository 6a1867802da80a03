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
        description = {"Applies migrations now, then again whenever the directory changes (including a ConfigMap",
            "update's atomic ..data symlink swap), debounced. A failure is logged and the watch goes on; a failed",
            "file is retried once it changes. Runs until stopped (SIGTERM / Ctrl-C).", "",
            "Example: CONFIGMAP_PATH=/etc/migrations pgwarden migrate watch --url postgresql://app@db/shop", ""})
public final class MigrateWatchCommand extends AbstractCommand {
    @Mixin
    MigrateOptions options;

    @Option(names = "--debounce", paramLabel = "DURATION",
            description = "Quiet period before applying after a change. Env: MIGRATE_DEBOUNCE. Default: 500ms.")
    String debounce;

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
        var settings = options.settings(sources(null));
        out().println("Watching " + settings.dir() + " for " + settings.spec().display() + " (Ctrl-C to stop)");
        out().flush();
        new WatchCommand(settings, quiet, Clock.SYSTEM, r -> {
            if (!r.outcomes().isEmpty()) {
                MigrateApplyCommand.print(out(), r);
            }
        }, e -> {
            err().println("error: " + e.getMessage());
            err().flush();
        }).execute();
        return 0;
    }
}
