package io.pgwarden.cli;

import io.pgwarden.core.log.LogFormat;
import io.pgwarden.core.log.LogSettings;
import java.util.Locale;
import org.slf4j.event.Level;
import picocli.CommandLine.Option;

/** {@code --log-format}, {@code --log-level}: shared by every command; applied before it runs. */
public final class LoggingMixin {
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
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    fOrigin + "=" + f + ": allowed values are text, json");
        }
        Level level;
        try {
            level = Level.valueOf(l.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    lOrigin + "=" + l + ": allowed values are error, warn, info, debug, trace");
        }
        LogSettings.configure(format, level);
    }
}
