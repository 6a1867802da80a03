package io.pgwarden.core;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in text that may reach a log line, an error message or an HTTP response. Applied
 * by {@link PgWardenException} and by the log backend, so a password in a connection URL or
 * a libpq key/value string never leaves the process.
 */
public final class Secrets {
    public static final String MASK = "****";

    /** {@code scheme://user:password@host} in URLs. */
    private static final Pattern URL_USERINFO = Pattern.compile("(://[^/:@\\s]*):([^@\\s/]*)@");
    /** {@code password=...} in libpq strings, JDBC query parameters and property files. */
    private static final Pattern KEY_EQUALS = Pattern.compile(
            "(?i)((?:password|passwd|pgpassword|token|secret)\\s*=\\s*)('[^']*'|\"[^\"]*\"|[^\\s&;,'\"]+)");
    /**
     * {@code password: ...} as YAML writes it; only a key standing alone, so that prose about a file
     * such as {@code /data/pgwarden.password: already exists} keeps its words.
     */
    private static final Pattern KEY_COLON = Pattern.compile(
            "(?i)((?<![\\w./-])(?:password|passwd|pgpassword|token|secret)\\s*:\\s*)('[^']*'|\"[^\"]*\"|[^\\s&;,'\"]+)");

    private Secrets() {
    }

    /** Returns {@code text} with every recognisable secret replaced by {@link #MASK}; null stays null. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = URL_USERINFO.matcher(text).replaceAll("$1:" + Matcher.quoteReplacement(MASK) + "@");
        masked = KEY_EQUALS.matcher(masked).replaceAll("$1" + Matcher.quoteReplacement(MASK));
        return KEY_COLON.matcher(masked).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    }
}
