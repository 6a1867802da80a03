package io.pgwarden.instance;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Waits until a replica streams from its primary: the primary's {@code pg_stat_replication} shows a walsender in
 * state {@code streaming} for the replica's application_name. A node whose history forked off the primary's
 * ("new timeline N forked off current database system timeline ...") connects again and again but never gets
 * there, so this is what tells "rejoined" from "started but cannot follow".
 */
public final class StreamingWait {
    /** A replica that can follow streams within seconds of starting; 60 s leaves room for a slow crash recovery. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** Twice a second notices the walsender promptly without loading the primary. */
    private static final Duration POLL = Duration.ofMillis(500);
    private static final String QUERY = "SELECT state, (SELECT timeline_id FROM pg_control_checkpoint()) FROM pg_stat_replication"
            + " WHERE application_name = ? ORDER BY state = 'streaming' DESC LIMIT 1";

    private final Clock clock;

    public StreamingWait(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param serverLog the replica's server log, whose last lines the error shows; or null
     * @return the primary's timeline once the replica streams
     * @throws PgWardenException POSTGRES_FAILED when it does not stream within {@code timeout}
     */
    public int await(ConnectionSpec primary, String applicationName, Path serverLog, Duration timeout) {
        long deadline = clock.nanoTime() + timeout.toNanos();
        String last = "no walsender for application_name '" + applicationName + "'";
        while (true) {
            try (Connection c = PgConnections.open(primary); PreparedStatement s = c.prepareStatement(QUERY)) {
                s.setString(1, applicationName);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        if ("streaming".equals(rs.getString(1))) {
                            return rs.getInt(2);
                        }
                        last = "walsender state '" + rs.getString(1) + "'";
                    }
                }
            } catch (SQLException e) {
                last = "cannot ask the primary: " + PgConnections.describe(e);
            }
            if (clock.nanoTime() > deadline) {
                throw new PgWardenException(ErrorCode.POSTGRES_FAILED, "The replica '" + applicationName + "' does not stream"
                        + " from " + primary.address() + " after " + timeout.toSeconds() + " s (" + last + "), so it has not"
                        + " rejoined." + tail(serverLog) + System.lineSeparator() + "If the log says the new timeline forked"
                        + " off before the current recovery point, stop the node and run 'pgwarden rejoin --no-rewind' to clone"
                        + " it afresh.");
            }
            try {
                clock.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PgWardenException(ErrorCode.FAILED, "Interrupted while waiting for '" + applicationName
                        + "' to stream from " + primary.address() + ".", e);
            }
        }
    }

    private static String tail(Path log) {
        if (log == null || !Files.isReadable(log)) {
            return "";
        }
        try {
            List<String> lines = Files.readAllLines(log);
            return " Last lines of " + log + ":" + System.lineSeparator()
                    + String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 6), lines.size()));
        } catch (IOException e) {
            return " See " + log + ".";
        }
    }
}
