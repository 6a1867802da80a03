package io.pgwarden.core.log;

import java.util.Locale;

/** How log lines are written. */
public enum LogFormat {
    /** {@code 2026-11-23T20:48:51.123Z INFO  instance: message} */
    TEXT,
    /** One JSON object per line: ts, level, logger, msg, error. */
    JSON;

    public static LogFormat parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a log format; use text or json", e);
        }
    }
}
