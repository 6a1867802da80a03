package io.pgwarden.health;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Prometheus metrics of the agent and its PostgreSQL, through Micrometer. PostgreSQL series are
 * computed from the same cached {@link NodeStatus} the probes read, refreshed on each scrape, so a
 * scrape costs at most one probe per cache period. Names follow Prometheus conventions (base units,
 * {@code _total} on counters); see docs/agent.md for the list.
 */
public final class AgentMetrics {
    /** States pg_stat_activity reports for client backends; always exported (0 when none) while PostgreSQL is up. */
    private static final List<String> CONNECTION_STATES = List.of("active", "idle", "idle in transaction",
            "idle in transaction (aborted)", "fastpath function call", "disabled");

    private final PrometheusMeterRegistry registry;
    private final AtomicReference<NodeStatus> last = new AtomicReference<>();
    /** Counter values survive an unreachable server: Prometheus counters must not turn into gaps of NaN. */
    private final AtomicReference<PostgresStatistics> lastStatistics = new AtomicReference<>();
    private final MultiGauge connections;
    private final MultiGauge databaseSizes;
    private final MultiGauge migrations;
    private final MultiGauge migrationDurations;

    public AgentMetrics() {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MeterRegistry r = registry;
        Gauge.builder("pg.up", last, ref -> pg(ref) != null && pg(ref).running() ? 1 : 0)
                .description("1 when PostgreSQL accepts connections and answered the last probe, else 0").register(r);
        Gauge.builder("pg.in.recovery", last, ref -> role(ref) == PostgresRole.UNKNOWN ? Double.NaN
                        : role(ref) == PostgresRole.REPLICA ? 1 : 0)
                .description("1 on a replica (pg_is_in_recovery()), 0 on a primary, NaN when unknown").register(r);
        Gauge.builder("pg.replication.lag.bytes", last, ref -> value(pg(ref) == null ? null : pg(ref).lagBytes()))
                .description("WAL bytes the primary reported that this replica has not replayed; 0 on a primary")
                .register(r);
        Gauge.builder("pg.replication.lag.seconds", last, ref -> value(pg(ref) == null ? null : pg(ref).lagSeconds()))
                .description("Age of the last replayed transaction while WAL is pending; 0 on a primary").register(r);
        Gauge.builder("pgwarden.tls.certificate.expiry.timestamp.seconds", last, ref -> ref.get() == null
                        || ref.get().tls() == null || ref.get().tls().notAfter() == null ? Double.NaN
                        : ref.get().tls().notAfter().getEpochSecond())
                .description("End of the server TLS certificate's validity (Unix time); NaN without TLS").register(r);
        Gauge.builder("pg.timeline.id", last, ref -> value(pg(ref) == null ? null : pg(ref).timeline()))
                .description("Current timeline of PostgreSQL").register(r);
        FunctionCounter.builder("pg.xact.commit", lastStatistics, ref -> ref.get() == null ? 0 : ref.get().xactCommit())
                .description("Committed transactions, summed over pg_stat_database").register(r);
        FunctionCounter.builder("pg.xact.rollback", lastStatistics,
                        ref -> ref.get() == null ? 0 : ref.get().xactRollback())
                .description("Rolled back transactions, summed over pg_stat_database").register(r);
        FunctionCounter.builder("pg.wal.bytes", lastStatistics,
                        ref -> ref.get() == null || ref.get().walBytes() == null ? 0 : ref.get().walBytes())
                .description("WAL generated in bytes (pg_stat_wal.wal_bytes on 14+, WAL position on older primaries)")
                .register(r);
        connections = MultiGauge.builder("pg.connections").description("Client connections by pg_stat_activity state")
                .register(r);
        databaseSizes = MultiGauge.builder("pg.database.size.bytes").description("Size of each database in bytes")
                .register(r);
        migrations = MultiGauge.builder("pgwarden.migrations")
                .description("Migrations per chain and state (applied, failed, pending)").register(r);
        migrationDurations = MultiGauge.builder("pgwarden.migration.last.duration.seconds")
                .description("Duration of the last apply run of each migration chain").register(r);
    }

    /** The registry, for meters owned elsewhere (loop timers and error counters). */
    public MeterRegistry registry() {
        return registry;
    }

    /** Updates the series from {@code status} and renders the Prometheus text exposition format. */
    public synchronized String scrape(NodeStatus status) {
        update(status);
        return registry.scrape();
    }

    private void update(NodeStatus status) {
        last.set(status);
        PostgresStatus pg = status.postgres();
        PostgresStatistics stats = pg.running() ? pg.statistics() : null;
        if (stats != null) {
            lastStatistics.set(stats);
        }
        List<MultiGauge.Row<?>> connectionRows = new ArrayList<>();
        List<MultiGauge.Row<?>> sizeRows = new ArrayList<>();
        if (stats != null) {
            Map<String, Long> byState = new TreeMap<>();
            CONNECTION_STATES.forEach(s -> byState.put(s, 0L));
            byState.putAll(stats.connectionsByState());
            byState.forEach((state, n) -> connectionRows.add(MultiGauge.Row.of(Tags.of("state", state), n)));
            stats.databaseSizes().forEach((db, size) -> sizeRows.add(MultiGauge.Row.of(Tags.of("datname", db), size)));
        }
        connections.register(connectionRows, true);
        databaseSizes.register(sizeRows, true);
        List<MultiGauge.Row<?>> migrationRows = new ArrayList<>();
        List<MultiGauge.Row<?>> durationRows = new ArrayList<>();
        for (MigrationChainStatus chain : status.migrations()) {
            migrationRows.add(MultiGauge.Row.of(Tags.of("chain", chain.chain(), "state", "applied"), chain.applied()));
            migrationRows.add(MultiGauge.Row.of(Tags.of("chain", chain.chain(), "state", "failed"), chain.failed()));
            migrationRows.add(MultiGauge.Row.of(Tags.of("chain", chain.chain(), "state", "pending"), chain.pending()));
            if (chain.lastDuration() != null) {
                durationRows.add(MultiGauge.Row.of(Tags.of("chain", chain.chain()),
                        chain.lastDuration().toNanos() / 1e9));
            }
        }
        migrations.register(migrationRows, true);
        migrationDurations.register(durationRows, true);
    }

    private static PostgresStatus pg(AtomicReference<NodeStatus> ref) {
        NodeStatus s = ref.get();
        return s == null ? null : s.postgres();
    }

    private static PostgresRole role(AtomicReference<NodeStatus> ref) {
        PostgresStatus pg = pg(ref);
        return pg == null || !pg.running() ? PostgresRole.UNKNOWN : pg.role();
    }

    private static double value(Number n) {
        return n == null ? Double.NaN : n.doubleValue();
    }
}
