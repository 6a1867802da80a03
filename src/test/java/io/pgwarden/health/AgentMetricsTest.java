package io.pgwarden.health;

import io.pgwarden.testing.SteppingClock;
import static io.pgwarden.health.Statuses.chain;
import static io.pgwarden.health.Statuses.node;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {
    private final AgentMetrics metrics = new AgentMetrics();

    @Test
    void exportsPostgresAndMigrationSeriesWithPrometheusNames() {
        LoopRegistry loops = new LoopRegistry(new SteppingClock(), metrics.registry());
        loops.register("migrations", Duration.ofSeconds(30)).runCycle(() -> {
            throw new IllegalStateException("x");
        });
        PrometheusText text = PrometheusText.parse(metrics.scrape(node(Statuses.primary(),
                List.of(chain("app", ChainState.APPLIED, 4, 0, 0, null)), List.of())));
        assertThat(text.value("pg_up")).isEqualTo(1.0);
        assertThat(text.value("pg_in_recovery")).isEqualTo(0.0);
        assertThat(text.value("pg_replication_lag_bytes")).isEqualTo(0.0);
        assertThat(text.value("pg_replication_lag_seconds")).isEqualTo(0.0);
        assertThat(text.value("pg_xact_commit_total")).isEqualTo(1234.0);
        assertThat(text.value("pg_wal_bytes_total")).isEqualTo(987654.0);
        assertThat(text.value("pg_connections", Map.of("state", "active"))).isEqualTo(2.0);
        assertThat(text.value("pg_connections", Map.of("state", "idle in transaction"))).isEqualTo(0.0);
        assertThat(text.value("pg_database_size_bytes", Map.of("datname", "app"))).isEqualTo(9_000_000.0);
        assertThat(text.value("pgwarden_migrations", Map.of("chain", "app", "state", "applied"))).isEqualTo(4.0);
        assertThat(text.value("pgwarden_migrations", Map.of("chain", "app", "state", "pending"))).isEqualTo(0.0);
        assertThat(text.value("pgwarden_migration_last_duration_seconds", Map.of("chain", "app"))).isEqualTo(0.25);
        assertThat(text.value("pgwarden_loop_errors_total", Map.of("loop", "migrations"))).isEqualTo(1.0);
        assertThat(text.value("pgwarden_loop_duration_seconds_count", Map.of("loop", "migrations"))).isEqualTo(1.0);
        assertThat(text.types).containsEntry("pg_xact_commit_total", "counter").containsEntry("pg_up", "gauge");
    }

    @Test
    void anUnreachableServerIsDownWithUnknownLagAndKeepsItsCounters() {
        metrics.scrape(node(Statuses.primary()));
        PrometheusText text = PrometheusText.parse(metrics.scrape(node(Statuses.unreachable("refused"))));
        assertThat(text.value("pg_up")).isEqualTo(0.0);
        assertThat(text.value("pg_in_recovery")).isNaN();
        assertThat(text.value("pg_replication_lag_bytes")).isNaN();
        assertThat(text.value("pg_replication_lag_seconds")).isNaN();
        assertThat(text.value("pg_timeline_id")).isNaN();
        assertThat(text.value("pg_xact_commit_total")).isEqualTo(1234.0);
        assertThat(text.value("pg_wal_bytes_total")).isEqualTo(987654.0);
        assertThat(text.find("pg_connections", Map.of())).isEmpty();
        assertThat(text.find("pg_database_size_bytes", Map.of())).isEmpty();
    }

    @Test
    void replicaReportsRecoveryAndLag() {
        PrometheusText text = PrometheusText.parse(metrics.scrape(node(Statuses.replica(4096L, true))));
        assertThat(text.value("pg_in_recovery")).isEqualTo(1.0);
        assertThat(text.value("pg_replication_lag_bytes")).isEqualTo(4096.0);
        assertThat(text.value("pg_replication_lag_seconds")).isEqualTo(1.5);
    }
}
