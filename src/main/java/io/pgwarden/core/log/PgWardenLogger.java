package io.pgwarden.core.log;

import io.pgwarden.core.Secrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** Formats one event as a text or JSON line, masking secrets, and writes it atomically. */
final class PgWardenLogger extends AbstractLogger {
    private static final long serialVersionUID = 1L;
    private final String shortName;

    PgWardenLogger(String name) {
        this.name = name;
        String s = name;
        if (s.startsWith("io.pgwarden.")) {
            s = s.substring("io.pgwarden.".length());
        }
        this.shortName = s;
    }

    private boolean enabled(Level level) {
        return level.toInt() >= LogSettings.threshold().toInt();
    }

    @Override public boolean isTraceEnabled() { return enabled(Level.TRACE); }
    @Override public boolean isTraceEnabled(Marker marker) { return isTraceEnabled(); }
    @Override public boolean isDebugEnabled() { return enabled(Level.DEBUG); }
    @Override public boolean isDebugEnabled(Marker marker) { return isDebugEnabled(); }
    @Override public boolean isInfoEnabled() { return enabled(Level.INFO); }
    @Override public boolean isInfoEnabled(Marker marker) { return isInfoEnabled(); }
    @Override public boolean isWarnEnabled() { return enabled(Level.WARN); }
    @Override public boolean isWarnEnabled(Marker marker) { return isWarnEnabled(); }
    @Override public boolean isErrorEnabled() { return enabled(Level.ERROR); }
    @Override public boolean isErrorEnabled(Marker marker) { return isErrorEnabled(); }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
            Throwable throwable) {
        String message = Secrets.mask(MessageFormatter.basicArrayFormat(pattern, args));
        String error = throwable == null ? null : Secrets.mask(stackTrace(throwable));
        String line = LogSettings.format() == LogFormat.JSON
                ? json(level, message, error)
                : text(level, message, error);
        LogSettings.out().print(line);
        LogSettings.out().flush();
    }

    private String text(Level level, String message, String error) {
        StringBuilder sb = new StringBuilder(96)
                .append(Instant.now()).append(' ')
                .append(String.format("%-5s", level)).append(' ')
                .append(shortName).append(": ").append(message).append(System.lineSeparator());
        if (error != null) {
            sb.append(error);
        }
        return sb.toString();
    }

    private String json(Level level, String message, String error) {
        StringBuilder sb = new StringBuilder(128).append("{\"ts\":\"").append(Instant.now())
                .append("\",\"level\":\"").append(level)
                .append("\",\"logger\":");
        quote(sb, shortName).append(",\"msg\":");
        quote(sb, message);
        if (error != null) {
            sb.append(",\"error\":");
            quote(sb, error);
        }
        return sb.append('}').append(System.lineSeparator()).toString();
    }

    /** Appends {@code s} as a JSON string literal. */
    static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    private static String stackTrace(Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }
}
