package io.pgwarden.cli;

import io.pgwarden.core.log.LogFormat;
import io.pgwarden.core.log.LogSettings;
import java.util.Locale;
import org.slf4j.event.Level;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --log-format}, {@code --log-level}: shared by every command; applied before it runs. */
public final class LoggingMixin {
    /** The documented levels; no trace: pgwarden logs nothing at that level. */
    private static final java.util.List<String> LEVELS = java.util.List.of("error", "warn", "info", "debug");

    /** The command using this mixin, so that an error names it ('See pgwarden up --help'). */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--log-format", paramLabel = "text|json",
            description = "Log line format on stderr: text (default) or json (one object per line). Env: LOG_FORMAT.")
    String logFormat;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "error, warn, info (default) or debug. Env: LOG_LEVEL.")
    String logLevel;

    /** Applies the options (or LOG_FORMAT / LOG_LEVEL) to the process-wide log settings. */
    void apply(java.util.Map<String, String> env) {
        String f = logFormat != null ? logFormat : env.getOrDefault("LOG_FORMAT", "text");
        String l = logLevel != null ? logLevel : env.getOrDefault("LOG_LEVEL", "info");
        String fOrigin = logFormat != null ? "--log-format" : "LOG_FORMAT";
        String lOrigin = logLevel != null ? "--log-level" : "LOG_LEVEL";
        LogFormat format;
        try {
            format = LogFormat.parse(f);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), fOrigin + "=" + f + ": allowed values are text, json");
        }
        if (!LEVELS.contains(l.trim().toLowerCase(Locale.ROOT))) {
            throw new ParameterException(mixee.commandLine(), lOrigin + "=" + l + ": allowed values are "
                    + String.join(", ", LEVELS));
        }
        Level level = Level.valueOf(l.trim().toUpperCase(Locale.ROOT));
        LogSettings.configure(format, level);
    }
}
