package io.pgwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgwarden.core.Clock;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.testing.TestPostgres;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The sidecar applying real migrations on the shared server: readiness is 503 while they run and 200
 * once applied; a failing migration turns it to 503 with the error in the JSON document, and fixing
 * the file brings it back.
 */
class SidecarMigrationsIT {
    /** Generous: a shared 2-core machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    /** Held by the test so that V1 blocks until the test lets it finish. */
    private static final long GATE = 7_340_021;

    @Test
    void readinessFollowsMigrations() throws Exception {
        TestPostgres pg = TestPostgres.shared();
        ConnectionSpec target = pg.createDatabase("sidecar_mig");
        Path dir = Files.createTempDirectory("pgwarden-sidecar-migrations-");
        Files.writeString(dir.resolve("V1__wait_for_gate.sql"),
                "SELECT pg_advisory_xact_lock(" + GATE + ");\nCREATE TABLE accounts (id bigint PRIMARY KEY);\n");
        Files.writeString(dir.resolve("V2__add_email.sql"), "ALTER TABLE accounts ADD COLUMN email text;\n");
        int port = TestPostgres.freePort();
        AgentHttp http = new AgentHttp(port);
        StopSignal stop = StopSignal.manual();
        SidecarSettings settings = new SidecarSettings(target, dir, "public", Duration.ofMinutes(1),
                new InetSocketAddress("127.0.0.1", port), Duration.ofSeconds(60), true);
        CompletableFuture<Integer> exit;
        try (Connection gate = PgConnections.open(target); Statement s = gate.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + GATE + ")");
            exit = CompletableFuture.supplyAsync(() -> {
                try {
                    return new SidecarAgent(settings, Clock.SYSTEM).run(stop);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, r -> new Thread(r, "sidecar-migrations-under-test").start());
            await().atMost(DEADLINE).until(() -> chain(http.get("/readiness")).path("state").asText().equals("applying"));
            AgentHttp.Response applying = http.get("/readiness");
            assertThat(applying.status()).isEqualTo(503);
            assertThat(applying.json().get("reason").asText()).isEqualTo("migration chain (root) is applying (2 pending)");
            assertThat(http.status("/primary")).isEqualTo(200);
            assertThat(http.status("/liveness")).isEqualTo(200);
            s.execute("SELECT pg_advisory_unlock(" + GATE + ")");
        }
        try {
            await().atMost(DEADLINE).until(() -> http.status("/readiness") == 200);
            JsonNode applied = chain(http.get("/readiness"));
            assertThat(applied.get("state").asText()).isEqualTo("applied");
            assertThat(applied.get("applied").asInt()).isEqualTo(2);
            assertThat(applied.get("pending").asInt()).isZero();

            Files.writeString(dir.resolve("V3__broken.sql"), "ALTER TABLE accounts ADD COLUMN;\n");
            await().atMost(DEADLINE).until(() -> chain(http.get("/readiness")).path("state").asText().equals("failed"));
            AgentHttp.Response failed = http.get("/readiness");
            assertThat(failed.status()).isEqualTo(503);
            JsonNode failedChain = chain(failed);
            assertThat(failedChain.get("state").asText()).isEqualTo("failed");
            assertThat(failedChain.get("failed").asInt()).isEqualTo(1);
            assertThat(failedChain.get("error").asText())
                    .startsWith("Migration V3__broken.sql failed at line 1 (SQLSTATE 42601: syntax error");
            assertThat(failed.json().get("reason").asText()).startsWith("migration chain (root) failed: Migration V3__broken.sql");
            PrometheusSamples metrics = PrometheusSamples.of(http.get("/metrics").body());
            assertThat(metrics.value("pgwarden_migrations{chain=\"(root)\",state=\"failed\"}")).isEqualTo(1.0);
            assertThat(metrics.value("pgwarden_migrations{chain=\"(root)\",state=\"applied\"}")).isEqualTo(2.0);
            assertThat(metrics.value("pgwarden_loop_errors_total{loop=\"migrations\"}")).isGreaterThanOrEqualTo(1.0);

            Files.writeString(dir.resolve("V3__broken.sql"), "ALTER TABLE accounts ADD COLUMN created_at timestamptz;\n");
            await().atMost(DEADLINE).until(() -> http.status("/readiness") == 200);
            assertThat(chain(http.get("/readiness")).get("applied").asInt()).isEqualTo(3);
        } finally {
            stop.request("test");
        }
        assertThat(exit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isZero();
        TempDirs.delete(dir);
    }

    private static JsonNode chain(AgentHttp.Response r) {
        return r.status() < 0 ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
                : r.json().path("migrations").path(0);
    }
}
