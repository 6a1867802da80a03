package io.pgwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pgwarden.health.Endpoint;
import io.pgwarden.health.HealthServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example manifests parse, and their probes hit real endpoints on the health port. */
class KubernetesManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static List<JsonNode> documents(String file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(Path.of("deploy/kubernetes", file).toFile())) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isEmpty()) {
                    assertThat(n.path("apiVersion").asText()).as("apiVersion in %s", file).isNotEmpty();
                    assertThat(n.path("kind").asText()).as("kind in %s", file).isNotEmpty();
                    docs.add(n);
                }
            }
        }
        return docs;
    }

    static JsonNode kind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind));
    }

    static JsonNode container(JsonNode workload, String name) {
        for (JsonNode c : workload.at("/spec/template/spec/containers")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no container " + name);
    }

    @Test
    void statefulSetRunsTheImageEntrypointWithProbesOnTheHealthEndpoints() throws IOException {
        List<JsonNode> docs = documents("statefulset.yaml");
        assertThat(docs).extracting(d -> d.get("kind").asText()).containsExactly("Service", "ConfigMap", "StatefulSet");
        JsonNode sts = kind(docs, "StatefulSet");
        JsonNode pg = container(sts, "postgres");
        assertThat(pg.has("command")).as("uses the image's ENTRYPOINT pgwarden run").isFalse();
        assertProbe(pg, "livenessProbe", "/liveness");
        assertProbe(pg, "readinessProbe", "/readiness");
        assertProbe(pg, "startupProbe", "/liveness");
        assertThat(env(pg, "HEALTH_PORT")).isEqualTo(Integer.toString(HealthServer.DEFAULT_PORT));
        assertThat(port(pg, "postgres")).isEqualTo(5432);
        // smart then fast, each up to --stop-timeout 10s, must fit in the grace period
        assertThat(sts.at("/spec/template/spec/terminationGracePeriodSeconds").asInt()).isGreaterThanOrEqualTo(20);
        assertThat(sts.at("/spec/selector/matchLabels")).isEqualTo(sts.at("/spec/template/metadata/labels"));
    }

    @Test
    void sidecarDeploymentRunsPgwardenSidecarNextToPostgres() throws IOException {
        List<JsonNode> docs = documents("sidecar-deployment.yaml");
        JsonNode deployment = kind(docs, "Deployment");
        JsonNode sidecar = container(deployment, "pgwarden");
        assertThat(YAML.convertValue(sidecar.get("command"), String[].class)).containsExactly("pgwarden", "sidecar");
        assertProbe(sidecar, "livenessProbe", "/liveness");
        assertProbe(sidecar, "readinessProbe", "/readiness");
        assertThat(sidecar.at("/env").findValuesAsText("name")).contains("DATABASE_URL", "CONFIGMAP_PATH", "HEALTH_PORT");
        assertThat(container(deployment, "postgres").path("image").asText()).startsWith("postgres:");
        assertThat(kind(docs, "ConfigMap").path("data").fieldNames()).toIterable()
                .containsExactly("V1__create_accounts.sql", "V2__add_created_at.sql");
    }

    private static void assertProbe(JsonNode container, String probe, String path) {
        JsonNode get = container.path(probe).path("httpGet");
        assertThat(get.path("path").asText()).as("%s path", probe).isEqualTo(path);
        assertThat(Endpoint.forPath(path)).as("%s is served by the health server", path).isPresent();
        JsonNode portRef = get.path("port");
        int port = portRef.isInt() ? portRef.asInt() : port(container, portRef.asText());
        assertThat(port).as("%s port", probe).isEqualTo(HealthServer.DEFAULT_PORT);
    }

    private static int port(JsonNode container, String name) {
        for (JsonNode p : (ArrayNode) container.path("ports")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no port named " + name);
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e.path("value").asText();
            }
        }
        throw new AssertionError("no env " + name);
    }
}
