package io.pgwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/image/extensions.yaml is the one source of truth of the image: the docs page, the package list, the
 * default preload list, the labels and the build all come from it and this test fails when one drifts. (The built
 * image itself is compared with the manifest by ImageIT.)
 */
class ExtensionManifestTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path tmp;

    private static JsonNode manifest() throws IOException {
        return YAML.readTree(ManifestTool.MANIFEST.toFile());
    }

    private static Map<String, JsonNode> entries() throws IOException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        manifest().get("entries").forEach(e -> out.put(e.get("name").asText(), e));
        return out;
    }

    private static boolean enabled(JsonNode e) {
        return !e.has("enabled") || e.get("enabled").asBoolean();
    }

    @Test
    void docsPageIsWhatTheManifestGenerates() throws IOException {
        assertThat(Files.readString(Path.of("docs/extensions.md")))
                .as("docs/extensions.md is out of date: run deploy/image/build --docs")
                .isEqualTo(ManifestTool.run("docs"));
    }

    @Test
    void coversWhatUsersOfManifestDrivenImagesRelyOn() throws IOException {
        Map<String, JsonNode> entries = entries();
        assertThat(entries.keySet()).contains("vector", "pg_cron", "pgaudit", "pg_stat_statements", "auto_explain",
                "timescaledb", "postgis", "postgis_topology", "pg_partman", "pg_repack", "hypopg", "set_user",
                "pg_hint_plan", "plpgsql_check", "wal2json", "pg_trgm", "pgcrypto", "hstore", "citext", "uuid-ossp",
                "btree_gist", "postgres_fdw", "amcheck", "pg_buffercache");
        assertThat(entries.get("postgis_topology").get("depends_on")).extracting(JsonNode::asText).containsExactly("postgis");
        assertThat(entries.get("auto_explain").get("kind").asText()).isEqualTo("module");
        for (JsonNode e : entries.values()) {
            if (enabled(e)) {
                assertThat(e.path("version").asText()).as("%s pins its package version", e.get("name"))
                        .matches("[0-9][0-9A-Za-z.+~:-]*");
            } else {
                assertThat(e.path("reason").asText()).as("disabled %s says why", e.get("name")).isNotBlank();
            }
        }
    }

    @Test
    void packagesArePinnedOnceEachPostgresFirst() throws IOException {
        List<String> expected = new ArrayList<>();
        manifest().get("postgres").get("packages").forEach(p -> expected.add(p.get("name").asText() + "=" + p.get("version").asText()));
        for (JsonNode e : entries().values()) {
            String line = e.get("package").asText() + "=" + e.path("version").asText();
            if (enabled(e) && !expected.contains(line)) {
                expected.add(line);
            }
        }
        assertThat(ManifestTool.run("packages").lines().toList()).isEqualTo(expected)
                .allSatisfy(l -> assertThat(l).doesNotContain("citus").doesNotEndWith("="));
    }

    @Test
    void defaultPreloadIsTheEnabledEntriesMarkedPreloadAndEveryOneIsAvailable() throws IOException {
        List<String> preload = new ArrayList<>();
        List<String> libraries = new ArrayList<>();
        for (JsonNode e : entries().values()) {
            if (enabled(e) && e.has("library")) {
                libraries.add(e.get("library").asText());
                if (e.path("preload").asBoolean()) {
                    preload.add(e.get("library").asText());
                }
            }
        }
        assertThat(preload).contains("pg_stat_statements", "auto_explain", "timescaledb");
        assertThat(List.of(ManifestTool.run("preload").strip().split(","))).containsExactlyElementsOf(preload);
        assertThat(List.of(ManifestTool.run("libraries").strip().split(","))).containsExactlyElementsOf(libraries);
    }

    @Test
    void createOrderPutsEachExtensionAfterWhatItDependsOn() throws IOException {
        List<String> order = ManifestTool.run("create-order").lines().toList();
        Map<String, JsonNode> entries = entries();
        for (String name : order) {
            JsonNode e = entries.get(name);
            assertThat(e.get("kind").asText()).isEqualTo("extension");
            e.path("depends_on").forEach(d -> {
                if (entries.get(d.asText()).get("kind").asText().equals("extension")) {
                    assertThat(order.indexOf(d.asText())).as("%s before %s", d.asText(), name).isLessThan(order.indexOf(name));
                }
            });
        }
        assertThat(order).contains("earthdistance").doesNotContain("auto_explain", "wal2json", "pgbench");
        assertThat(order.indexOf("cube")).isLessThan(order.indexOf("earthdistance"));
    }

    @Test
    void labelsCountTheManifestsExtensions() throws IOException {
        long total = entries().values().stream().filter(e -> e.get("kind").asText().equals("extension")).count();
        long on = entries().values().stream().filter(e -> e.get("kind").asText().equals("extension") && enabled(e)).count();
        String pg = manifest().get("postgres").get("packages").get(0).get("version").asText();
        assertThat(ManifestTool.run("labels").lines().toList()).contains("io.pgwarden.extensions.enabled=" + on,
                "io.pgwarden.extensions.total=" + total, "io.pgwarden.postgres.version=" + pg,
                "io.pgwarden.postgres.major=17");
    }

    @Test
    void theBuildTakesPackagesPreloadAndLabelsFromTheManifestOnly() throws IOException {
        String build = Files.readString(Path.of("deploy/image/build"));
        String containerfile = Files.readString(Path.of("deploy/image/Containerfile"));
        assertThat(build).contains("manifest_tool packages", "manifest_tool preload", "manifest_tool libraries",
                "manifest_tool labels", "--build-arg \"PRELOAD=$preload\"", "--build-arg \"AVAILABLE=$available\"");
        assertThat(containerfile).contains("POSTGRES_SHARED_PRELOAD_LIBRARIES=${PRELOAD}",
                "PGWARDEN_AVAILABLE_LIBRARIES=${AVAILABLE}");
        // no package name or library list kept by hand beside the manifest
        for (String text : List.of(build, containerfile)) {
            assertThat(text).doesNotContain("postgresql-17-", "pg_stat_statements", "timescaledb");
        }
    }

    @Test
    void anInvalidManifestIsRefusedNamingEachProblem() throws IOException {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, """
                suite: trixie
                postgres: {major: 17, packages: [{name: postgresql-17, version: 17.12-0+deb13u1}]}
                entries:
                  - {name: a, kind: extension, package: p-a, version: "1", depends_on: [b]}
                  - {name: b, kind: extension, package: p-b, version: "1", depends_on: [a]}
                  - {name: c, kind: plugin, package: p-c, version: "1"}
                  - {name: d, kind: module, package: p-d, enabled: false}
                  - {name: e, kind: module, package: p-e, version: "1", preload: true}
                  - {name: f, kind: extension, package: p-f, version: "1", depends_on: [d]}
                """);
        ManifestTool.Result r = ManifestTool.exec("packages", bad);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(bad + " is invalid:",
                "entry c: kind 'plugin' is not one of [extension, module, tool]",
                "entry d: a disabled entry says why (reason)",
                "entry e: preload: true needs the library to preload",
                "entry f: depends_on d, which is disabled",
                "depends_on has a cycle through a");
        assertThat(r.out()).isEmpty();
    }
}
