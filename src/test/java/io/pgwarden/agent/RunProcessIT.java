package io.pgwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgwarden.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code pgwarden run} as a real child process: health first, initdb, supervised start, SIGTERM, exit 0. */
class RunProcessIT {
    /** initdb and a first start on a shared 2-core machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @Test
    void runsPostgresServesHealthAndStopsCleanlyOnSigterm() throws Exception {
        Path base = TempDirs.forServer("pgwarden-run-it-");
        Path data = base.resolve("data");
        Path migrations = Files.createDirectories(base.resolve("migrations"));
        Files.writeString(migrations.resolve("V1__create_accounts.sql"), "CREATE TABLE accounts (id bigint PRIMARY KEY);\n");
        int pgPort = TestPostgres.freePort();
        int healthPort = TestPostgres.freePort();
        AgentHttp http = new AgentHttp(healthPort);
        try (AgentProcess agent = AgentProcess.start(List.of("run", "--data-dir", data.toString(), "--port",
                Integer.toString(pgPort), "--listen", "127.0.0.1", "--pg-bin", TestPostgres.DEBIAN_15.toString(),
                "--memory", "1GB", "--cpus", "2", "--health-address", "127.0.0.1", "--health-port",
                Integer.toString(healthPort), "--stop-timeout", "20s", "--migrations-dir", migrations.toString(),
                "--database", "app", "--server-log", base.resolve("server.log").toString()),
                Map.of(), base.resolve("agent.log"))) {
            await().atMost(DEADLINE).until(() -> http.status("/liveness") == 200 || !agent.isAlive());
            assertThat(agent.isAlive()).as(agent.output()).isTrue();
            await().atMost(DEADLINE).until(() -> http.status("/readiness") == 200 || !agent.isAlive());
            assertThat(agent.isAlive()).as(agent.output()).isTrue();

            AgentHttp.Response ready = http.get("/readiness");
            assertThat(ready.json().at("/migrations/0/chain").asText()).isEqualTo("(root)");
            assertThat(ready.json().at("/migrations/0/state").asText()).isEqualTo("applied");
            assertThat(ready.json().at("/migrations/0/applied").asInt()).isEqualTo(1);
            AgentHttp.Response primary = http.get("/primary");
            assertThat(primary.status()).isEqualTo(200);
            assertThat(primary.json().at("/postgres/server_version_num").asInt()).isBetween(150000, 159999);
            assertThat(primary.body()).doesNotContain(Files.readString(data.resolve("pgwarden.password")).strip());
            assertThat(http.status("/replica")).isEqualTo(503);
            assertThat(http.status("/health")).isEqualTo(200);
            String tuned = Files.readString(data.resolve("pgwarden.conf"));
            assertThat(tuned).contains("shared_buffers");

            agent.terminate();
            assertThat(agent.waitForExit(DEADLINE.toSeconds())).as(agent.output()).isZero();
            assertThat(data.resolve("postmaster.pid")).doesNotExist();
            String control = new io.pgwarden.pg.SystemProcessRunner().run(List.of(
                    TestPostgres.DEBIAN_15.resolve("pg_controldata").toString(), data.toString()), Duration.ofSeconds(60))
                    .stdout();
            assertThat(control).contains("Database cluster state:               shut down");
            assertThat(agent.output()).contains("PostgreSQL stopped (smart shutdown)");
        } finally {
            TempDirs.delete(base);
        }
    }
}
