package io.pgwarden.instance;

import io.pgwarden.pg.ConnectionSpec;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link Rejoiner} needs.
 *
 * @param dataDir                 the former primary's data directory
 * @param upstream                the new primary, with this node's slot and replication role
 * @param newPrimarySuperuser     superuser connection to the new primary (pg_rewind's source, role and slot setup)
 * @param replicationPasswordFile {@code --replication-password-file}, or null
 * @param rewindAllowed           false to skip pg_rewind and clone afresh ({@code --no-rewind})
 * @param stopTimeout             how long a running server is given for each shutdown mode
 * @param timeout                 limit for pg_rewind or the clone
 */
public record RejoinRequest(Path dataDir, Upstream upstream, ConnectionSpec newPrimarySuperuser, Path replicationPasswordFile,
        boolean rewindAllowed, Duration stopTimeout, Duration timeout) {
    public RejoinRequest {
        dataDir = dataDir.toAbsolutePath().normalize();
        stopTimeout = stopTimeout == null ? InstanceConfig.DEFAULT_STOP_TIMEOUT : stopTimeout;
        timeout = timeout == null ? CloneRequest.DEFAULT_TIMEOUT : timeout;
    }
}
