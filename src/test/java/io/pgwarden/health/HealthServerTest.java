package io.pgwarden.health;

import static io.pgwarden.health.Statuses.chain;
import static io.pgwarden.health.Statuses.node;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP contract over a real socket, with hand-built snapshots (no PostgreSQL needed). */
class HealthServerTest {
    private static final AtomicReference<NodeStatus> current = new AtomicReference<>();
    private static final List<StatusSource.Freshness> asked = new ArrayList<>();
    private static HealthServer server;
    private static HttpProbe http;

    @BeforeAll
    static void start() {
        StatusSource source = freshness -> {
            synchronized (asked) {
                asked.add(freshness);
            }
            return current.get();
        };
        server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), source, new AgentMetrics());
        http = new HttpProbe(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void primary() {
        current.set(node(Statuses.primary()));
        synchronized (asked) {
            asked.clear();
        }
    }

    @Test
    void anAddressOfAnotherMachineIsAnInputErrorNamingTheSetting() {
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a real machine
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HealthServer.start(new InetSocketAddress("192.0.2.1", 0),
                        f -> current.get(), new AgentMetrics()))
                .isInstanceOfSatisfying(io.pgwarden.core.PgWardenException.class,
                        e -> assertThat(e.code()).isEqualTo(io.pgwarden.core.ErrorCode.INVALID_INPUT))
                .hasMessage("Cannot listen for health requests on 192.0.2.1:0: 192.0.2.1 is not an address of this machine."
                        + " Choose one of its addresses, 127.0.0.1 or 0.0.0.0 (all) with --health-address or HEALTH_ADDRESS.");
    }

    @Test
    void primaryAnswersPrimaryAndReadWriteButNotReplica() {
        assertThat(http.status("/primary")).isEqualTo(200);
        assertThat(http.status("/read-write")).isEqualTo(200);
        assertThat(http.status("/read-only")).isEqualTo(200);
        assertThat(http.status("/health")).isEqualTo(200);
        HttpProbe.Response replica = http.get("/replica");
        assertThat(replica.status()).isEqualTo(503);
        assertThat(replica.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode doc = replica.json();
        assertThat(doc.get("probe").asText()).isEqualTo("/replica");
        assertThat(doc.get("reason").asText()).isEqualTo("PostgreSQL is a primary, not a replica");
        assertThat(doc.get("role").asText()).isEqualTo("primary");
        assertThat(doc.at("/postgres/state").asText()).isEqualTo("running");
        assertThat(doc.at("/postgres/timeline").asLong()).isEqualTo(3);
        assertThat(doc.at("/postgres/current_lsn").asText()).isEqualTo("0/3000060");
        assertThat(doc.at("/postgres/replication_lag/bytes").asLong()).isZero();
        assertThat(doc.at("/postgres/connections/active").asLong()).isEqualTo(2);
        assertThat(doc.get("version").asText()).isEqualTo("0.1.0-test");
        assertThat(doc.get("uptime_seconds").asLong()).isEqualTo(42);
    }

    @Test
    void headAnswersTheSameStatusWithoutABody() {
        HttpProbe.Response head = http.send("HEAD", "/replica");
        assertThat(head.status()).isEqualTo(503);
        assertThat(head.body()).isEmpty();
        assertThat(http.send("HEAD", "/primary").status()).isEqualTo(200);
        assertThat(http.send("HEAD", "/metrics").status()).isEqualTo(200);
    }

    @Test
    void startingPhaseIsProgressInItsOwnFieldNotAnError() {
        current.set(node(PostgresStatus.starting("resolving PostgreSQL binaries", Statuses.AT)));
        HttpProbe.Response r = http.get("/readiness");
        assertThat(r.status()).isEqualTo(503);
        JsonNode pg = r.json().get("postgres");
        assertThat(pg.get("state").asText()).isEqualTo("starting");
        assertThat(pg.get("phase").asText()).isEqualTo("resolving PostgreSQL binaries");
        assertThat(pg.get("error").isNull()).isTrue();
        assertThat(r.json().get("reason").asText()).isEqualTo("PostgreSQL is starting: resolving PostgreSQL binaries");
        JsonNode running = http.get("/primary").json();
        assertThat(running.get("postgres").get("phase").isNull()).isFalse();
        current.set(node(Statuses.primary()));
        assertThat(http.get("/primary").json().get("postgres").get("phase").isNull()).isTrue();
    }

    @Test
    void unknownPathsAre404AndOtherMethods405() {
        HttpProbe.Response missing = http.get("/primary/");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("error").asText()).isEqualTo("no endpoint /primary/; use /liveness, /readiness,"
                + " /primary, /read-write, /replica, /read-only, /health or /metrics");
        HttpProbe.Response post = http.send("POST", "/readiness");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void badLagIs400NamingTheParameter() {
        HttpProbe.Response r = http.get("/replica?lag=lots");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("query parameter lag=lots is not a lag: give bytes or a size"
                + " with a unit (B, kB, MB, GB, TB), e.g. ?lag=16MB, or a duration (ms, s, m, h), e.g. ?lag=30s");
        assertThat(http.get("/replica?lag=16XB").status()).isEqualTo(400);
    }

    @Test
    void aRepeatedOrMisspeltLagIs400ButOtherParametersAreIgnored() {
        current.set(node(Statuses.replica(20L * 1024 * 1024, true)));
        HttpProbe.Response twice = http.get("/replica?lag=1&lag=abc");
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.json().get("error").asText())
                .isEqualTo("query parameter lag is given more than once; give it once, e.g. ?lag=16MB");
        HttpProbe.Response typo = http.get("/replica?lags=1");
        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.json().get("error").asText())
                .isEqualTo("unknown query parameter lags; /replica accepts lag, e.g. ?lag=16MB");
        // parameters other tools' probes send are ignored: a 400 would take a healthy node out of service
        assertThat(http.status("/replica?lag=32MB&replication_state=streaming")).isEqualTo(200);
        assertThat(http.status("/replica?lag=16MB&replication_state=streaming")).isEqualTo(503);
        assertThat(http.status("/liveness?source=k8s")).isEqualTo(200);
        assertThat(http.status("/health?lag=1")).isEqualTo(200);
        assertThat(http.status("/replica?")).isEqualTo(200);
    }

    @Test
    void lagFiltersReplicas() {
        current.set(node(Statuses.replica(20L * 1024 * 1024, true)));
        assertThat(http.status("/replica")).isEqualTo(200);
        assertThat(http.status("/replica?lag=16MB")).isEqualTo(503);
        assertThat(http.status("/replica?lag=32MB")).isEqualTo(200);
        assertThat(http.status("/replica?lag=" + (21 * 1024 * 1024))).isEqualTo(200);
        assertThat(http.status("/read-only?lag=16MB")).isEqualTo(503);
        assertThat(http.status("/primary")).isEqualTo(503);
        // the grammar of --max-lag / MAX_LAG: a time limit too (the replica is 1.5 s behind)
        assertThat(http.status("/replica?lag=30s")).isEqualTo(200);
        assertThat(http.get("/replica?lag=1s").json().get("reason").asText()).isEqualTo("replication lag 1.5s exceeds lag=1s");
    }

    @Test
    void livenessReadsTheLastObservationAndNeverAsksForAFreshOne() {
        current.set(node(Statuses.unreachable("127.0.0.1:1: Connection refused")));
        assertThat(http.status("/liveness")).isEqualTo(200);
        synchronized (asked) {
            assertThat(asked).containsExactly(StatusSource.Freshness.LAST_KNOWN);
        }
        assertThat(http.status("/readiness")).isEqualTo(503);
        synchronized (asked) {
            assertThat(asked).containsExactly(StatusSource.Freshness.LAST_KNOWN, StatusSource.Freshness.CURRENT);
        }
    }

    @Test
    void aBugWhileAnsweringIs500WithTheErrorNotADroppedConnection() {
        current.set(null); // the document renderer then fails on a null snapshot
        HttpProbe.Response r = http.get("/readiness");
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.json().get("error").asText()).startsWith("internal error NullPointerException")
                .endsWith("(a bug in pgwarden; please report it)");
    }

    @Test
    void failedMigrationIsInTheDocumentAndPasswordsNeverAre() {
        String error = "Migration V2__bad.sql failed (SQLSTATE 42601) on postgresql://app:s3cret@db:5432/app";
        current.set(node(Statuses.unreachable("connect to postgresql://app:s3cret@db/app failed: password=s3cret"),
                List.of(chain("app", ChainState.FAILED, 1, 1, 1, error)), List.of()));
        HttpProbe.Response r = http.get("/readiness");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).doesNotContain("s3cret");
        JsonNode chainDoc = r.json().get("migrations").get(0);
        assertThat(chainDoc.get("chain").asText()).isEqualTo("app");
        assertThat(chainDoc.get("state").asText()).isEqualTo("failed");
        assertThat(chainDoc.get("failed").asInt()).isEqualTo(1);
        assertThat(chainDoc.get("error").asText()).startsWith("Migration V2__bad.sql failed (SQLSTATE 42601)");
    }
}
