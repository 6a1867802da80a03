package io.pgwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgwarden.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code LOG_FORMAT=json pgwarden run} with PostgreSQL's output on the agent's own: every line is JSON. */
class RunJsonLogIT {
    /** initdb and a first start on a shared 2-core machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void postgresLinesAreRelayedAsJsonLogLines() throws Exception {
        Path base = TempDirs.forServer("pgwarden-run-json-");
        int healthPort = TestPostgres.freePort();
        AgentHttp http = new AgentHttp(healthPort);
        try (AgentProcess agent = AgentProcess.start(List.of("run", "--data-dir", base.resolve("data").toString(),
                "--port", Integer.toString(TestPostgres.freePort()), "--listen", "127.0.0.1", "--pg-bin",
                TestPostgres.DEBIAN_15.toString(), "--no-tune", "--health-address", "127.0.0.1", "--health-port",
                Integer.toString(healthPort)), Map.of("LOG_FORMAT", "json"), base.resolve("agent.log"))) {
            await().atMost(DEADLINE).until(() -> http.status("/readiness") == 200 || !agent.isAlive());
            assertThat(agent.isAlive()).as(agent.output()).isTrue();
            agent.terminate();
            assertThat(agent.waitForExit(DEADLINE.toSeconds())).as(agent.output()).isZero();

            List<JsonNode> lines = new ArrayList<>();
            for (String line : agent.output().split("\n")) {
                if (!line.isBlank()) {
                    lines.add(parse(line));
                }
            }
            List<JsonNode> postgres = lines.stream().filter(l -> l.path("logger").asText().equals("postgres")).toList();
            assertThat(postgres).as(agent.output()).anySatisfy(l -> {
                assertThat(l.get("level").asText()).isEqualTo("INFO");
                assertThat(l.get("msg").asText()).contains("LOG:  database system is ready to accept connections");
            });
            assertThat(postgres).anySatisfy(l -> assertThat(l.get("msg").asText())
                    .contains("LOG:  database system is shut down"));
            assertThat(lines).anySatisfy(l -> assertThat(l.get("msg").asText()).contains("PostgreSQL stopped"));
        } finally {
            TempDirs.delete(base);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not a JSON log line: " + line, e);
        }
    }
}
