package io.pgwarden.health;

import java.util.Map;

/**
 * Activity counters of a running server, read by the same probe as its role.
 *
 * @param connectionsByState client backends per {@code pg_stat_activity.state} (e.g. {@code active},
 *                           {@code idle}, {@code idle in transaction})
 * @param xactCommit         sum of {@code pg_stat_database.xact_commit} since the last stats reset
 * @param xactRollback       sum of {@code pg_stat_database.xact_rollback}
 * @param walBytes           WAL generated in bytes: {@code pg_stat_wal.wal_bytes} on 14+, the current
 *                           WAL position on an older primary, null when neither is available
 * @param databaseSizes      {@code pg_database_size} per database that allows connections
 */
public record PostgresStatistics(Map<String, Long> connectionsByState, long xactCommit, long xactRollback,
        Long walBytes, Map<String, Long> databaseSizes) {
    public PostgresStatistics {
        connectionsByState = Map.copyOf(connectionsByState);
        databaseSizes = Map.copyOf(databaseSizes);
    }
}
