package io.pgwarden.core;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as users write them: {@code 500ms}, {@code 1s}, {@code 2m}, {@code 1h}, {@code 1m30s}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /** @throws IllegalArgumentException naming the accepted forms */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            throw new IllegalArgumentException("expected a duration such as 500ms, 10s, 2m or 1h");
        }
        if (t.chars().allMatch(Character::isDigit)) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int pos = 0;
        while (m.find()) {
            if (m.start() != pos) {
                break;
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            pos = m.end();
        }
        if (pos != t.length()) {
            throw new IllegalArgumentException("expected a duration such as 500ms, 10s, 2m or 1h");
        }
        return total;
    }

    /** A compact form for messages: {@code 1.5s}, {@code 250ms}, {@code 2m}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return (ms % 1000 == 0 ? String.valueOf(ms / 1000) : String.format(Locale.ROOT, "%.1f", ms / 1000.0)) + "s";
        }
        return d.toMinutes() + "m" + (d.toSecondsPart() == 0 ? "" : d.toSecondsPart() + "s");
    }
}
