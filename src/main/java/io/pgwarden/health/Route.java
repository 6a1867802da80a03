package io.pgwarden.health;

/**
 * An extra JSON path of the {@link HealthServer}, added with {@link HealthServer#addRoute}. Called from the server's
 * threads: implementations are thread-safe and answer from memory, without I/O.
 */
@FunctionalInterface
public interface Route {
    /** The HTTP status and JSON body of one GET (HEAD sends the same status without the body). */
    record Response(int status, String body) {
    }

    Response respond();
}
