package io.pgwarden.migrate;

import java.time.Instant;

/** The session holding the migration lock, as pg_stat_activity shows it; for "waiting for ..." messages. */
public record LockHolder(int pid, String applicationName, String clientAddress, Instant sessionStart, String state) {
    /** {@code pid 4242 (application 'pgwarden migrate', client 10.0.0.5, session started 2026-...Z, state idle)}. */
    public String describe() {
        return "pid " + pid + " (application '" + (applicationName == null ? "" : applicationName) + "'"
                + (clientAddress == null ? "" : ", client " + clientAddress)
                + (sessionStart == null ? "" : ", session started " + sessionStart)
                + (state == null ? "" : ", state " + state) + ")";
    }
}
