package io.pgwarden.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgwarden.core.Clock;
import io.pgwarden.core.Lsn;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.SystemProcessRunner;
import io.pgwarden.testing.TestPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The probe endpoints on a real streaming replica of the shared test server (pg_basebackup -R), then promoted. */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ReplicaHealthIT {
    /** A base backup and a start on a shared 2-core machine. */
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final SystemProcessRunner RUNNER = new SystemProcessRunner();
    private static final Privileges PRIVILEGES = Privileges.detect(null);
    private static Path base;
    private static Path data;
    private static PostgresStatusProbe probe;
    private static HealthServer server;
    private static HttpProbe http;
    private static int replicaPort;

    @BeforeAll
    static void startReplica() throws IOException {
        TestPostgres primary = TestPostgres.shared();
        base = Files.createTempDirectory("pgwarden-replica-it-");
        if (PRIVILEGES.isRoot()) {
            Files.setOwner(base, base.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(Privileges.DEFAULT_SERVER_USER));
        }
        data = base.resolve("replica");
        int port = TestPostgres.freePort();
        replicaPort = port;
        run(List.of(TestPostgres.DEBIAN_15.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p",
                Integer.toString(primary.port()), "-U", "postgres", "-D", data.toString(), "-R", "-X", "stream",
                "--checkpoint=fast"));
        Files.writeString(data.resolve("postgresql.auto.conf"), "port = " + port + "\nunix_socket_directories = '" + base
                + "'\n", StandardOpenOption.APPEND);
        run(List.of(TestPostgres.DEBIAN_15.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                base.resolve("replica.log").toString(), "-w", "-t", "110", "start"));
        probe = new PostgresStatusProbe(primary.spec().withHostPort("127.0.0.1", port), Clock.SYSTEM);
        AgentMetrics metrics = new AgentMetrics();
        server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new AgentStatusSource(
                new CachedPostgresStatus(probe::probe, Clock.SYSTEM, Duration.ZERO), new MigrationStatusBoard(),
                new LoopRegistry(Clock.SYSTEM, metrics.registry()), Clock.SYSTEM), metrics);
        http = new HttpProbe(server.port());
    }

    @AfterAll
    static void stopReplica() throws IOException {
        if (server != null) {
            server.close();
            probe.close();
        }
        run(List.of(TestPostgres.DEBIAN_15.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w",
                "stop"));
        try (Stream<Path> paths = Files.walk(base)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void run(List<String> command) {
        ProcessResult r = RUNNER.run(PRIVILEGES.asServerUser(command), base, Map.of("LC_ALL", "C.UTF-8"), TIMEOUT);
        assertThat(r.ok()).as("%s: %s", command.get(0), r.tail(20)).isTrue();
    }

    @Test
    @Order(1)
    void streamingReplicaIsAReplicaAndReadyButNotAPrimary() {
        await().atMost(TIMEOUT).until(() -> http.status("/readiness") == 200);
        HttpProbe.Response replica = http.get("/replica");
        assertThat(replica.status()).isEqualTo(200);
        JsonNode doc = replica.json();
        assertThat(doc.get("role").asText()).isEqualTo("replica");
        assertThat(doc.at("/postgres/streaming").asBoolean()).isTrue();
        assertThat(doc.at("/postgres/writable").asBoolean()).isFalse();
        assertThat(doc.at("/postgres/timeline").asLong()).isEqualTo(1);
        assertThat(Lsn.parse(doc.at("/postgres/replay_lsn").asText())).isGreaterThan(Lsn.ZERO);
        assertThat(Lsn.parse(doc.at("/postgres/receive_lsn").asText())).isGreaterThan(Lsn.ZERO);
        assertThat(doc.at("/postgres/replication_lag/bytes").asLong()).isBetween(0L, 64L * 1024 * 1024);
        assertThat(doc.at("/postgres/replication_lag/seconds").asDouble()).isGreaterThanOrEqualTo(0.0);
        assertThat(http.status("/replica?lag=1GB")).isEqualTo(200);
        assertThat(http.status("/read-only")).isEqualTo(200);
        assertThat(http.status("/health")).isEqualTo(200);
        HttpProbe.Response primary = http.get("/primary");
        assertThat(primary.status()).isEqualTo(503);
        assertThat(primary.json().get("reason").asText()).isEqualTo("PostgreSQL is a replica, not a primary");

        PrometheusText metrics = PrometheusText.parse(http.get("/metrics").body());
        assertThat(metrics.value("pg_up")).isEqualTo(1.0);
        assertThat(metrics.value("pg_in_recovery")).isEqualTo(1.0);
        assertThat(metrics.value("pg_replication_lag_bytes")).isBetween(0.0, 64.0 * 1024 * 1024);
        assertThat(metrics.value("pg_wal_bytes_total")).isGreaterThanOrEqualTo(0.0);
    }

    @Test
    @Order(2)
    void aPromotedReplicaReportsItsNewTimelineAtOnce() throws Exception {
        // the primary's timeline must not wait for the post-promotion checkpoint, which is spread over minutes when
        // there are dirty buffers: replaying ~10 MB of new pages leaves ~1,300 of them for it to write
        TestPostgres shared = TestPostgres.shared();
        String lsn;
        try (java.sql.Connection c = io.pgwarden.pg.PgConnections.open(shared.spec()); java.sql.Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS replica_health_it_fill");
            st.execute("CREATE TABLE replica_health_it_fill AS SELECT g, repeat('x', 500) AS pad FROM generate_series(1, 20000) g");
            try (java.sql.ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                lsn = rs.getString(1);
            }
            st.execute("DROP TABLE replica_health_it_fill");
        }
        await().atMost(TIMEOUT).until(() -> {
            HttpProbe.Response r = http.get("/replica");
            return r.status() == 200 && Lsn.parse(r.json().at("/postgres/replay_lsn").asText()).compareTo(Lsn.parse(lsn)) >= 0;
        });
        try (java.sql.Connection c = io.pgwarden.pg.PgConnections.open(TestPostgres.shared().spec()
                .withHostPort("127.0.0.1", replicaPort)); java.sql.Statement st = c.createStatement()) {
            st.execute("SELECT pg_promote(true, 60)");
        }
        HttpProbe.Response primary = http.get("/primary");
        assertThat(primary.status()).as(primary.body()).isEqualTo(200);
        assertThat(primary.json().at("/postgres/timeline").asLong()).isEqualTo(2);
        assertThat(PrometheusText.parse(http.get("/metrics").body()).value("pg_timeline_id")).isEqualTo(2.0);
    }
}
