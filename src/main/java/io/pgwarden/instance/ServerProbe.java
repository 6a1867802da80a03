package io.pgwarden.instance;

import io.pgwarden.core.Clock;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;

/**
 * Whether a server accepts connections, as {@code pg_isready} decides it: a server that answers with
 * an authentication error or "database does not exist" is up; one that says it is starting up, or
 * cannot be reached, is not.
 */
public final class ServerProbe {
    /**
     * SQLSTATEs that prove a server is up and talking: bad password, no such role or database, too many
     * connections, and pgjdbc's 08004 when the server asked for a password the client does not have.
     */
    private static final Set<String> UP_BUT_REFUSED = Set.of("28P01", "28000", "3D000", "53300", "08004");
    /** Frequent enough to notice readiness quickly, rare enough not to load a starting server. */
    public static final Duration POLL = Duration.ofMillis(250);

    /** The answer of one probe. */
    public record Answer(boolean accepting, String detail) {
    }

    private ServerProbe() {
    }

    public static Answer probe(ConnectionSpec spec) {
        try (Connection ignored = PgConnections.open(spec)) {
            return new Answer(true, "accepting connections");
        } catch (SQLException e) {
            if (e.getSQLState() != null && UP_BUT_REFUSED.contains(e.getSQLState())) {
                return new Answer(true, "accepting connections (login refused: " + PgConnections.describe(e) + ")");
            }
            return new Answer(false, PgConnections.describe(e));
        }
    }

    /** Probes until accepting or {@code timeout} passed; returns the last answer. */
    public static Answer await(ConnectionSpec spec, Duration timeout, Clock clock) throws InterruptedException {
        long deadline = clock.nanoTime() + timeout.toNanos();
        while (true) {
            Answer a = probe(spec);
            if (a.accepting() || clock.nanoTime() >= deadline) {
                return a;
            }
            clock.sleep(POLL);
        }
    }
}
