package io.pgwarden.health;

import java.util.Locale;

/** Whether PostgreSQL accepts connections, as last observed by the agent. */
public enum PostgresState {
    /** No probe has completed yet (the agent has just started). */
    NOT_PROBED,
    /** The server answers but refuses connections for now (SQLSTATE 57P03: starting up or in recovery). */
    STARTING,
    /**
     * The server announced its shutdown: new connections are refused with SQLSTATE 57P03 "shutting down",
     * or the probe's session was ended with 57P01 admin_shutdown / 57P02 crash_shutdown.
     */
    SHUTTING_DOWN,
    /** The server accepts connections but the target database does not exist (SQLSTATE 3D000). */
    DATABASE_MISSING,
    /** The server accepts connections and answered the probe's queries. */
    RUNNING,
    /**
     * The server answers but rejects the agent's login (SQLSTATE class 28: wrong password, no pg_hba.conf entry, role
     * missing): it will not get better by waiting, so it is named apart from {@link #UNREACHABLE}.
     */
    LOGIN_REJECTED,
    /** The server could not be reached or did not answer the probe in time. */
    UNREACHABLE,
    /** The agent itself stopped the server (run mode, on SIGTERM); it is not expected back. */
    STOPPED;

    /** Lower-case name used in the JSON document, e.g. {@code not_probed}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
