package io.pgwarden.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgwarden.core.Clock;
import io.pgwarden.core.Lsn;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.testing.TestPostgres;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The health server probing a real PostgreSQL (the shared test server, a primary). */
class HealthServerIT {
    private static TestPostgres pg;
    private static PostgresStatusProbe probe;
    private static MigrationStatusBoard board;
    private static HealthServer server;
    private static HttpProbe http;

    @BeforeAll
    static void start() {
        pg = TestPostgres.shared();
        AgentMetrics metrics = new AgentMetrics();
        probe = new PostgresStatusProbe(pg.spec(), Clock.SYSTEM);
        board = new MigrationStatusBoard();
        // A zero TTL: each request sees the server as it is now, so the test needs no waiting.
        CachedPostgresStatus cached = new CachedPostgresStatus(probe::probe, Clock.SYSTEM, Duration.ZERO);
        LoopRegistry loops = new LoopRegistry(Clock.SYSTEM, metrics.registry());
        loops.register("test-loop", Duration.ofMinutes(10)).runCycle(() -> { });
        server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0),
                new AgentStatusSource(cached, board, loops, Clock.SYSTEM), metrics);
        http = new HttpProbe(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
        probe.close();
    }

    @Test
    void primaryIsPrimaryAndNotReplica() {
        HttpProbe.Response primary = http.get("/primary");
        assertThat(primary.status()).isEqualTo(200);
        JsonNode doc = primary.json();
        assertThat(doc.get("role").asText()).isEqualTo("primary");
        assertThat(doc.at("/postgres/state").asText()).isEqualTo("running");
        assertThat(doc.at("/postgres/writable").asBoolean()).isTrue();
        assertThat(doc.at("/postgres/timeline").asLong()).isEqualTo(1);
        assertThat(Lsn.parse(doc.at("/postgres/current_lsn").asText())).isGreaterThan(Lsn.ZERO);
        assertThat(doc.at("/postgres/server_version_num").asInt()).isBetween(150000, 159999);
        assertThat(http.status("/read-write")).isEqualTo(200);
        assertThat(http.status("/read-only")).isEqualTo(200);
        assertThat(http.status("/health")).isEqualTo(200);
        assertThat(http.status("/liveness")).isEqualTo(200);
        HttpProbe.Response replica = http.get("/replica");
        assertThat(replica.status()).isEqualTo(503);
        assertThat(replica.json().get("reason").asText()).isEqualTo("PostgreSQL is a primary, not a replica");
    }

    @Test
    void readinessFollowsTheMigrationBoard() {
        String chain = "readiness_chain";
        board.update(new MigrationChainStatus(chain, ChainState.WAITING, 0, 2, 0, null, null, Instant.now()));
        HttpProbe.Response waiting = http.get("/readiness");
        assertThat(waiting.status()).isEqualTo(503);
        assertThat(waiting.json().get("reason").asText()).isEqualTo("migration chain readiness_chain is waiting (2 pending)");
        board.update(new MigrationChainStatus(chain, ChainState.APPLIED, 2, 0, 0, null, Duration.ofMillis(40), Instant.now()));
        assertThat(http.status("/readiness")).isEqualTo(200);
    }

    @Test
    void metricsParseAndCarrySaneValues() {
        ConnectionSpec db = pg.createDatabase("metrics");
        try (var c = io.pgwarden.pg.PgConnections.open(db); var s = c.createStatement()) {
            s.execute("CREATE TABLE t AS SELECT g FROM generate_series(1, 10000) g");
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        HttpProbe.Response r = http.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        PrometheusText text = PrometheusText.parse(r.body());
        assertThat(text.value("pg_up")).isEqualTo(1.0);
        assertThat(text.value("pg_in_recovery")).isEqualTo(0.0);
        assertThat(text.value("pg_replication_lag_bytes")).isEqualTo(0.0);
        assertThat(text.value("pg_replication_lag_seconds")).isEqualTo(0.0);
        assertThat(text.value("pg_timeline_id")).isEqualTo(1.0);
        // the probe's own session is active while it reads pg_stat_activity
        assertThat(text.value("pg_connections", Map.of("state", "active"))).isGreaterThanOrEqualTo(1.0);
        assertThat(text.value("pg_connections", Map.of("state", "idle in transaction"))).isGreaterThanOrEqualTo(0.0);
        assertThat(text.value("pg_xact_commit_total")).isGreaterThan(0.0);
        assertThat(text.value("pg_xact_rollback_total")).isGreaterThanOrEqualTo(0.0);
        assertThat(text.value("pg_wal_bytes_total")).isGreaterThan(10_000.0);
        assertThat(text.value("pg_database_size_bytes", Map.of("datname", db.database())))
                .isBetween(1_000_000.0, 1_000_000_000.0);
        assertThat(text.value("pgwarden_loop_duration_seconds_count", Map.of("loop", "test-loop"))).isEqualTo(1.0);
        assertThat(text.value("pgwarden_loop_errors_total", Map.of("loop", "test-loop"))).isEqualTo(0.0);
    }

    @Test
    void livenessAnswersWhileTheDatabaseIsUnreachable() {
        int closedPort = TestPostgres.freePort();
        ConnectionSpec nowhere = pg.spec().withHostPort("127.0.0.1", closedPort).withUser("app", "s3cret-pw");
        try (PostgresStatusProbe down = new PostgresStatusProbe(nowhere, Clock.SYSTEM);
             HealthServer hs = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new AgentStatusSource(
                     new CachedPostgresStatus(down::probe, Clock.SYSTEM, CachedPostgresStatus.DEFAULT_TTL),
                     new MigrationStatusBoard(), new LoopRegistry(Clock.SYSTEM, new AgentMetrics().registry()),
                     Clock.SYSTEM), new AgentMetrics())) {
            HttpProbe h = new HttpProbe(hs.port());
            HttpProbe.Response live = h.get("/liveness");
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.json().at("/postgres/state").asText()).isEqualTo("not_probed");
            HttpProbe.Response health = h.get("/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().at("/postgres/state").asText()).isEqualTo("unreachable");
            assertThat(health.json().get("reason").asText())
                    .startsWith("PostgreSQL is unreachable: 127.0.0.1:" + closedPort + ": Connection to 127.0.0.1:"
                            + closedPort + " refused");
            assertThat(health.body()).doesNotContain("s3cret-pw");
            assertThat(h.status("/readiness")).isEqualTo(503);
            assertThat(h.status("/liveness")).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> PrometheusText.parse(h.get("/metrics").body())
                    .value("pg_up") == 0.0);
        }
    }

    @Test
    void aRejectedLoginIsNamedApartFromAnUnreachableServer() {
        ConnectionSpec stranger = pg.spec().withUser("no_such_role_pgwarden", "s3cret-pw");
        try (PostgresStatusProbe rejected = new PostgresStatusProbe(stranger, Clock.SYSTEM);
             HealthServer hs = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new AgentStatusSource(
                     new CachedPostgresStatus(rejected::probe, Clock.SYSTEM, CachedPostgresStatus.DEFAULT_TTL),
                     new MigrationStatusBoard(), new LoopRegistry(Clock.SYSTEM, new AgentMetrics().registry()),
                     Clock.SYSTEM), new AgentMetrics())) {
            HttpProbe.Response ready = new HttpProbe(hs.port()).get("/readiness");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().at("/postgres/state").asText()).isEqualTo("login_rejected");
            assertThat(ready.json().get("reason").asText()).contains("role \"no_such_role_pgwarden\" does not exist");
            assertThat(ready.body()).doesNotContain("s3cret-pw");
        }
    }
}
