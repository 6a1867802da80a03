package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgwarden.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code endpoints watch --health-port} as a child JVM, read over HTTP the way a load balancer or an alert would. */
class EndpointsWatchHttpIT {
    /** Generous: the machine is shared by several builds, and a child JVM starts slowly there. */
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dir;

    private record Answer(int status, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private Process start(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.pgwarden.cli.Main", "endpoints", "watch"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectError(dir.resolve("stderr.log").toFile()).start();
    }

    private String stderr() throws IOException {
        return Files.readString(dir.resolve("stderr.log"));
    }

    /** The answer, or null while the server is not listening yet. */
    private Answer get(int port, String path) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            return null;
        }
    }

    private Answer awaitTopology(Process child, int port, int status) throws Exception {
        AtomicReference<Answer> last = new AtomicReference<>();
        await().atMost(WAIT).until(() -> {
            if (!child.isAlive()) {
                throw new AssertionError("watch exited " + child.exitValue() + "; stderr: " + stderr());
            }
            Answer a = get(port, "/topology");
            last.set(a);
            return a != null && a.status() == status && a.json().get("cycles").asLong() > 0;
        });
        return last.get();
    }

    @Test
    void topologyShowsThePublishedPrimaryAndLivenessIs200() throws Exception {
        TestPostgres pg = TestPostgres.shared();
        int port = TestPostgres.freePort();
        Process child = start("--interval", "500ms", "--nodes", "127.0.0.1:" + pg.port(), "--user", "postgres",
                "--file", dir.resolve("topology.json").toString(), "--health-port", Integer.toString(port),
                "--health-address", "127.0.0.1");
        try {
            JsonNode topology = awaitTopology(child, port, 200).json();
            assertThat(topology.get("primary").asText()).isEqualTo("127.0.0.1:" + pg.port());
            assertThat(topology.get("outcome").asText()).isIn("PUBLISH", "UNCHANGED");
            assertThat(topology.get("splitBrain").asBoolean()).isFalse();
            // publishers are listed only on cycles that called them (UNCHANGED between resyncs does not)
            topology.get("publishers").forEach(p -> assertThat(p.get("publisher").asText()).contains("topology.json"));
            assertThat(Files.readString(dir.resolve("topology.json"))).contains("127.0.0.1:" + pg.port());

            Answer liveness = get(port, "/liveness");
            assertThat(liveness.status()).as(liveness.body()).isEqualTo(200);
            assertThat(liveness.body()).contains("all 1 agent loops are running");

            Answer metrics = get(port, "/metrics");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.body()).containsPattern("(?m)^pgwarden_topology_cycles_total [1-9]")
                    .contains("pgwarden_topology_split_brain 0.0");
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void noPrimaryIs503() throws Exception {
        int dead = TestPostgres.freePort();
        int port = TestPostgres.freePort();
        Process child = start("--interval", "500ms", "--nodes", "127.0.0.1:" + dead, "--connect-timeout", "2s",
                "--file", dir.resolve("topology.json").toString(), "--health-port", Integer.toString(port));
        try {
            JsonNode topology = awaitTopology(child, port, 503).json();
            assertThat(topology.get("outcome").asText()).isEqualTo("NO_PRIMARY");
            assertThat(topology.get("status").asText()).isEqualTo("fail");
            assertThat(topology.get("down").toString()).isEqualTo("[\"127.0.0.1:" + dead + "\"]");
            assertThat(topology.get("primary").isNull()).isTrue();
            // no primary is a routing problem, not a stuck agent: liveness stays green
            assertThat(get(port, "/liveness").status()).isEqualTo(200);
        } finally {
            child.destroyForcibly();
        }
    }
}
