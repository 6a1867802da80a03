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

/**
 * {@code pgwarden run} as a real child process, started on a migrations directory it cannot use (two files
 * with the same version): the agent stays up with PostgreSQL as its child and readiness 503 naming the
 * problem, becomes ready once the files are fixed, and leaves no PostgreSQL behind after SIGTERM.
 */
class RunMigrationProblemsIT {
    /** initdb and a first start on a shared 2-core machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @Test
    void aDuplicateVersionAtStartupKeepsTheAgentAndPostgresUpWithReadiness503() throws Exception {
        Path base = TempDirs.forServer("pgwarden-run-dup-it-");
        Path data = base.resolve("data");
        Path migrations = Files.createDirectories(base.resolve("migrations"));
        Files.writeString(migrations.resolve("V1__create_accounts.sql"), "CREATE TABLE accounts (id bigint PRIMARY KEY);\n");
        Files.writeString(migrations.resolve("V1__create_orders.sql"), "CREATE TABLE orders (id bigint PRIMARY KEY);\n");
        int healthPort = TestPostgres.freePort();
        AgentHttp http = new AgentHttp(healthPort);
        try (AgentProcess agent = AgentProcess.start(List.of("run", "--data-dir", data.toString(), "--port",
                Integer.toString(TestPostgres.freePort()), "--listen", "127.0.0.1", "--pg-bin",
                TestPostgres.DEBIAN_15.toString(), "--memory", "1GB", "--cpus", "2", "--health-address", "127.0.0.1",
                "--health-port", Integer.toString(healthPort), "--stop-timeout", "20s", "--migrations-dir",
                migrations.toString(), "--database", "app", "--server-log", base.resolve("server.log").toString()),
                Map.of(), base.resolve("agent.log"))) {
            await().atMost(DEADLINE).until(() -> !agent.isAlive() || http.get("/readiness").body()
                    .contains("both have version 1"));
            assertThat(agent.isAlive()).as(agent.output()).isTrue();
            AgentHttp.Response refused = http.get("/readiness");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().get("reason").asText()).isEqualTo("migration chain (root) failed: Migrations in "
                    + migrations + " cannot be used (1 problem); nothing was applied:" + System.lineSeparator()
                    + "  chain (root): V1__create_accounts.sql and V1__create_orders.sql both have version 1; give one of"
                    + " them another version." + System.lineSeparator()
                    + "Fix or remove these files: the agent applies the directory as soon as it changes.");
            assertThat(refused.json().at("/migrations/0/state").asText()).isEqualTo("failed");
            assertThat(http.status("/primary")).isEqualTo(200);
            assertThat(agent.output()).contains("both have version 1");

            long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
            assertThat(ProcessHandle.of(postmaster).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                    .as("the postmaster's parent").contains(agent.pid());

            Files.delete(migrations.resolve("V1__create_orders.sql"));
            await().atMost(DEADLINE).until(() -> http.status("/readiness") == 200 || !agent.isAlive());
            assertThat(http.get("/readiness").json().at("/migrations/0/applied").asInt()).as(agent.output()).isEqualTo(1);

            agent.terminate();
            assertThat(agent.waitForExit(DEADLINE.toSeconds())).as(agent.output()).isZero();
            assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).as("postgres after SIGTERM")
                    .isNotEqualTo(java.util.Optional.of(true));
            assertThat(data.resolve("postmaster.pid")).doesNotExist();
        } finally {
            TempDirs.delete(base);
        }
    }
}
