package io.pgwarden.instance;

/**
 * PostgreSQL's three shutdown modes, in the order pgwarden escalates through them, each with the
 * signal the postmaster understands.
 */
public enum ShutdownMode {
    /** Waits for clients to disconnect, then checkpoints. */
    SMART("TERM"),
    /** Disconnects clients (rolling back their transactions), then checkpoints: clean and quick. */
    FAST("INT"),
    /** Stops at once without a checkpoint; the next start runs crash recovery (no committed data is lost). */
    IMMEDIATE("QUIT");

    private final String signal;

    ShutdownMode(String signal) {
        this.signal = signal;
    }

    /** The signal name for {@code kill -s}. */
    public String signal() {
        return signal;
    }
}
