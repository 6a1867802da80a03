package io.pgwarden.instance;

import java.util.function.Consumer;

/**
 * One way of copying a primary's data directory into an empty target. Contract: on return the target
 * holds a consistent base backup (with {@code backup_label}) that starts as a replica once
 * {@link StandbyConfig} is written; on failure it throws and the caller removes what was written.
 */
public interface CloneStrategy {
    /**
     * @param progress receives human-readable progress lines (relayed pg_basebackup output, bytes copied)
     * @return the number of bytes copied, or -1 when unknown
     * @throws io.pgwarden.core.PgWardenException naming the primary, the target and the reason
     */
    long copy(CloneRequest request, Consumer<String> progress);

    CloneMethod method();
}
