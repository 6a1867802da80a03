package io.pgwarden.core.log;

import java.io.PrintStream;
import org.slf4j.event.Level;

/**
 * Process-wide log settings, set once by the CLI before any command runs. Log lines go to
 * standard error so that command output on standard output stays machine-readable.
 */
public final class LogSettings {
    private static volatile LogFormat format = LogFormat.TEXT;
    private static volatile Level threshold = Level.INFO;
    private static volatile PrintStream out = System.err;

    private LogSettings() {
    }

    public static void configure(LogFormat newFormat, Level newThreshold) {
        format = newFormat;
        threshold = newThreshold;
    }

    /** Redirects log output, for tests that assert on log lines. */
    public static void redirect(PrintStream stream) {
        out = stream;
    }

    /** True when log lines (and so the CLI's own error and warning lines) are JSON. */
    public static boolean isJson() {
        return format == LogFormat.JSON;
    }

    static LogFormat format() {
        return format;
    }

    static Level threshold() {
        return threshold;
    }

    static PrintStream out() {
        return out;
    }
}
