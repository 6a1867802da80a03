package io.pgwarden.health;

import io.pgwarden.pg.NodeRole;
import io.pgwarden.core.Lsn;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Hand-built snapshots for unit tests of probe rules, the document and metrics. */
final class Statuses {
    static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private Statuses() {
    }

    static PostgresStatistics stats() {
        return new PostgresStatistics(Map.of("active", 2L, "idle", 3L), 1234, 5, 987654L,
                Map.of("postgres", 8_000_000L, "app", 9_000_000L));
    }

    static PostgresStatus primary() {
        return new PostgresStatus(PostgresState.RUNNING, NodeRole.PRIMARY, 150008, true, 3L, Lsn.parse("0/3000060"),
                null, null, false, 0L, 0.0, stats(), null, AT);
    }

    static PostgresStatus replica(Long lagBytes, boolean streaming) {
        return new PostgresStatus(PostgresState.RUNNING, NodeRole.REPLICA, 150008, false, 3L, null,
                Lsn.parse("0/3000060"), Lsn.parse("0/3000000"), streaming, lagBytes, 1.5, stats(), null, AT);
    }

    static PostgresStatus unreachable(String error) {
        return PostgresStatus.down(PostgresState.UNREACHABLE, error, AT);
    }

    static MigrationChainStatus chain(String name, ChainState state, int applied, int pending, int failed, String error) {
        return new MigrationChainStatus(name, state, applied, pending, failed, error, Duration.ofMillis(250), AT);
    }

    static NodeStatus node(PostgresStatus pg, List<MigrationChainStatus> chains, List<LoopStatus> loops) {
        return new NodeStatus(pg, chains, loops, "0.1.0-test", Duration.ofSeconds(42));
    }

    static NodeStatus node(PostgresStatus pg) {
        return node(pg, List.of(), List.of());
    }
}
