package io.pgwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code pgwarden sidecar} as a real child process configured only through the environment the
 * replaced sidecar used (DATABASE_URL, CONFIGMAP_PATH, HEALTH_PORT): it creates the database, applies
 * the migrations, serves readiness, and exits 0 on SIGTERM.
 */
class SidecarProcessIT {
    /** A JVM start and a migration on a shared 2-core machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void honoursTheSidecarEnvironmentAndExitsZeroOnSigterm() throws Exception {
        TestPostgres pg = TestPostgres.shared();
        ConnectionSpec target = pg.spec().withDatabase("sidecar_env_" + Long.toHexString(System.nanoTime()));
        Path base = Files.createTempDirectory("pgwarden-sidecar-process-");
        Path migrations = Files.createDirectories(base.resolve("configmap"));
        Files.writeString(migrations.resolve("V1__orders.sql"), "CREATE TABLE orders (id bigint PRIMARY KEY);\n");
        int healthPort = TestPostgres.freePort();
        AgentHttp http = new AgentHttp(healthPort);
        String url = "postgresql://postgres@127.0.0.1:" + pg.port() + "/" + target.database();
        try (AgentProcess agent = AgentProcess.start(List.of("sidecar", "--health-address", "127.0.0.1"),
                Map.of("DATABASE_URL", url, "CONFIGMAP_PATH", migrations.toString(), "HEALTH_PORT",
                        Integer.toString(healthPort)), base.resolve("sidecar.log"))) {
            await().atMost(DEADLINE).until(() -> http.status("/readiness") == 200 || !agent.isAlive());
            assertThat(agent.isAlive()).as(agent.output()).isTrue();
            AgentHttp.Response ready = http.get("/readiness");
            assertThat(ready.json().at("/migrations/0/applied").asInt()).isEqualTo(1);
            assertThat(ready.json().at("/postgres/state").asText()).isEqualTo("running");

            agent.terminate();
            assertThat(agent.waitForExit(DEADLINE.toSeconds())).as(agent.output()).isZero();
            assertThat(agent.output()).contains("SIGTERM received; stopping").contains("created database " + target.database());
        } finally {
            TempDirs.delete(base);
        }
    }
}
