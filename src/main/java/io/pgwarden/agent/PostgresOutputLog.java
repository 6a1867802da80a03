package io.pgwarden.agent;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Re-logs PostgreSQL's own output lines through pgwarden's logger {@code postgres}, so that with
 * {@code --log-format json} every line on stderr is JSON. The level comes from the line's severity
 * ({@code LOG:}, {@code WARNING:}, {@code ERROR:}, {@code FATAL:}, {@code PANIC:}, ...); continuation
 * lines ({@code DETAIL:}, {@code HINT:}, {@code STATEMENT:}, {@code CONTEXT:}, or none) keep the level
 * of the line before, so a FATAL's detail is not filtered out by a threshold that shows the FATAL.
 */
final class PostgresOutputLog implements Consumer<String> {
    static final String LOGGER = "postgres";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    /** The severity word PostgreSQL writes after log_line_prefix, followed by a colon and two spaces. */
    private static final Pattern SEVERITY = Pattern.compile(
            "\\b(DEBUG[1-5]?|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC|DETAIL|HINT|STATEMENT|CONTEXT|QUERY|LOCATION):  ");

    private Level previous = Level.INFO;

    @Override
    public synchronized void accept(String line) {
        Level level = level(line, previous);
        previous = level;
        switch (level) {
            case ERROR -> log.error("{}", line);
            case WARN -> log.warn("{}", line);
            case DEBUG, TRACE -> log.debug("{}", line);
            default -> log.info("{}", line);
        }
    }

    /** The level of {@code line}; {@code previous} for continuation lines and lines without a severity. */
    static Level level(String line, Level previous) {
        Matcher m = SEVERITY.matcher(line);
        if (!m.find()) {
            return previous;
        }
        return switch (m.group(1)) {
            case "LOG", "INFO", "NOTICE" -> Level.INFO;
            case "WARNING" -> Level.WARN;
            case "ERROR", "FATAL", "PANIC" -> Level.ERROR;
            case "DETAIL", "HINT", "STATEMENT", "CONTEXT", "QUERY", "LOCATION" -> previous;
            default -> Level.DEBUG;
        };
    }
}
