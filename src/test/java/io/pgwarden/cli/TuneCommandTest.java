package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.pgwarden.tune.ResourceDetector;
import io.pgwarden.tune.SystemFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TuneCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        CommandLine cli = Main.commandLine(env);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "tune";
        System.arraycopy(args, 0, all, 1, args.length);
        return cli.execute(all);
    }

    @Test
    void nonNumericPostgresMemoryIsRejectedNamingVariableAndValue() {
        assertThat(run(Map.of("POSTGRES_MEMORY", "abc"), "--cpus", "2")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: POSTGRES_MEMORY=abc: expected megabytes (e.g. 2048) or a size with a"
                + " unit (e.g. 1536MB, 2GB)\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void postgresMemoryTakesUnitsAsTheReadmeSaysAndABareNumberIsMegabytes() throws Exception {
        assertThat(run(Map.of("POSTGRES_MEMORY", "2GB"), "--cpus", "2", "--format", "json")).as(err.toString()).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString()).path("resources")
                .path("memoryMb").asLong()).isEqualTo(2048);
        out.getBuffer().setLength(0);
        assertThat(run(Map.of("POSTGRES_MEMORY", "1536"), "--cpus", "2", "--format", "json")).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString()).path("resources")
                .path("memoryMb").asLong()).isEqualTo(1536);
    }

    @Test
    void unknownWorkloadNamesTheAllowedValues() {
        assertThat(run(Map.of("POSTGRES_MEMORY", "2048", "POSTGRES_WORKLOAD_TYPE", "webb"), "--cpus", "2")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: POSTGRES_WORKLOAD_TYPE=webb: allowed values are web, oltp, dw, mixed\n");
    }

    @Test
    void everyInvalidInputIsReportedAtOnce() {
        assertThat(run(Map.of("POSTGRES_STORAGE_TYPE", "nvme", "POSTGRES_SHARED_PRELOAD_LIBRARIES", "pg_stat_statements;x"),
                "--memory", "2XB", "--cpus", "0", "--pg-version", "12", "--format", "yaml")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("""
                error: --memory=2XB: unknown unit 'XB'; use B, kB, MB, GB or TB
                --cpus=0: expected a number of CPUs between 1 and 4096, e.g. 2 (1.5 is rounded up)
                POSTGRES_STORAGE_TYPE=nvme: allowed values are ssd, hdd, san
                POSTGRES_SHARED_PRELOAD_LIBRARIES=pg_stat_statements;x: 'pg_stat_statements;x' is not a library name; \
                expected a comma-separated list of names made of letters, digits, '_', '.' and '-', e.g. \
                pg_stat_statements,auto_explain
                --pg-version=12: PostgreSQL 12 is not supported; use 13 to 18
                --format=yaml: allowed values are conf, flags, json, table
                """);
    }

    @Test
    void lessThan512MbIsRefusedNamingAmountSourceAndMinimum() {
        assertThat(run(Map.of("POSTGRES_MEMORY", "256"), "--cpus", "2")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: Memory 256 MB (from POSTGRES_MEMORY) is below the 512 MB minimum"
                + " pgwarden tunes PostgreSQL for; give the container at least 512MB of memory or set --memory /"
                + " POSTGRES_MEMORY to what PostgreSQL may really use.\n");
        err.getBuffer().setLength(0);
        assertThat(run(Map.of(), "--memory", "511MB", "--cpus", "2")).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: Memory 511 MB (from --memory) is below the 512 MB minimum");
    }

    @Test
    void jsonIsOneObjectWithResourcesSourcesSettingsAndReasons() throws IOException {
        assertThat(run(Map.of("POSTGRES_MEMORY", "1536", "POSTGRES_WORKLOAD_TYPE", "oltp", "POSTGRES_STORAGE_TYPE", "hdd"),
                "--cpus", "1.5", "--format", "json", "--pg-version", "16")).isZero();
        assertThat(err.toString()).isEmpty();
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.path("resources").path("memoryMb").asLong()).isEqualTo(1536);
        assertThat(json.path("resources").path("memorySource").asText()).isEqualTo("POSTGRES_MEMORY");
        assertThat(json.path("resources").path("cpus").asInt()).isEqualTo(2);
        assertThat(json.path("resources").path("cpuSource").asText()).isEqualTo("--cpus");
        assertThat(json.path("workload").asText()).isEqualTo("oltp");
        assertThat(json.path("storage").asText()).isEqualTo("hdd");
        JsonNode settings = json.path("settings");
        assertThat(settings.path("shared_buffers").asText()).isEqualTo("384MB");
        assertThat(settings.path("max_connections").asText()).isEqualTo("150");
        assertThat(settings.path("random_page_cost").asText()).isEqualTo("4.0");
        assertThat(settings.path("effective_io_concurrency").asText()).isEqualTo("2");
        assertThat(settings.has("io_workers")).as("io_workers exists on 18 only").isFalse();
        List<String> names = new ArrayList<>();
        settings.fieldNames().forEachRemaining(names::add);
        List<String> reasonNames = new ArrayList<>();
        json.path("reasons").fieldNames().forEachRemaining(reasonNames::add);
        assertThat(reasonNames).isEqualTo(names);
    }

    @Test
    void flagBeatsEnvironmentAndSizesTakeUnits() throws IOException {
        assertThat(run(Map.of("POSTGRES_MEMORY", "1024"), "--memory", "2GB", "--cpus", "4", "--format", "json")).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.path("resources").path("memoryMb").asLong()).isEqualTo(2048);
        assertThat(json.path("resources").path("memorySource").asText()).isEqualTo("--memory");
        assertThat(json.path("settings").path("shared_buffers").asText()).isEqualTo("512MB");
    }

    @Test
    void confFormatCarriesReasonsAndPreloadLibrariesFromTheEnvironment() {
        assertThat(run(Map.of("POSTGRES_MEMORY", "4096", "POSTGRES_SHARED_PRELOAD_LIBRARIES", "pg_stat_statements,auto_explain"),
                "--cpus", "2", "--format", "conf", "--pg-version", "18")).isZero();
        assertThat(out.toString())
                .startsWith("# Generated by pgwarden tune: memory 4GB (from POSTGRES_MEMORY), 2 CPUs (from --cpus)\n"
                        + "# workload web, storage ssd, PostgreSQL 18\n\n# web: 200 x 85% as memory is below 8GB"
                        + " (at least 20)\nmax_connections = 170\n")
                .contains("\nshared_buffers = 1GB\n")
                .endsWith("shared_preload_libraries = 'pg_stat_statements,auto_explain'\n");
    }

    @Test
    void flagsFormatIsOneDashCPerLine() {
        assertThat(run(Map.of(), "--memory", "1GB", "--cpus", "1", "--format", "flags", "--workload", "DW")).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).allSatisfy(l -> assertThat(l).matches("-c [a-z_]+=[A-Za-z0-9_.,]+"));
        assertThat(lines).contains("-c shared_buffers=256MB", "-c default_statistics_target=500", "-c max_connections=50");
    }

    @Test
    void tableIsTheDefaultAndAConfigFileIsASource(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("pgwarden.yaml");
        Files.writeString(yaml, "memory: 3GB\nworkload: mixed\npg-version: 18\n");
        assertThat(run(Map.of("PGWARDEN_CONFIG", yaml.toString()), "--cpus", "2")).isZero();
        assertThat(out.toString()).startsWith("Resources: memory 3GB (from " + yaml + ": memory), 2 CPUs (from --cpus)\n"
                + "Profile:   workload mixed, storage ssd, PostgreSQL 18\n\nPARAMETER ");
        assertThat(out.toString()).containsPattern("\nmax_connections +84 +mixed: 120 x 70% as memory is below 4GB");
    }

    @Test
    void helpNamesEnvironmentVariablesNextToFlags() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out.toString()).contains("Env: POSTGRES_MEMORY", "POSTGRES_WORKLOAD_TYPE", "POSTGRES_STORAGE_TYPE",
                "POSTGRES_SHARED_PRELOAD_LIBRARIES", "Examples:", "Exit codes:");
    }

    @Test
    void detectionWarningsGoToStderrAndIntoJson(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/meminfo"), "MemTotal:        4194304 kB\n");
        CommandLine cli = new CommandLine(new TuneCommand(new ResourceDetector(new SystemFiles(root), 3)));
        ((TuneCommand) cli.getCommand()).env(Map.of());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("--format", "json", "--pg-version", "18")).isZero();
        String warning = "Memory was taken from /proc/meminfo (4 GB); without a cgroup memory limit this may be the"
                + " host's memory, not this container's. Set --memory or POSTGRES_MEMORY to what PostgreSQL may use.";
        assertThat(err.toString()).isEqualTo("warning: " + warning + "\n");
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.path("resources").path("memoryMb").asLong()).isEqualTo(4096);
        assertThat(json.path("resources").path("memorySource").asText()).isEqualTo("/proc/meminfo MemTotal");
        assertThat(json.path("resources").path("cpus").asInt()).isEqualTo(3);
        assertThat(json.path("resources").path("cpuSource").asText()).isEqualTo("available processors");
        assertThat(json.path("warnings").get(0).asText()).isEqualTo(warning);
    }
}
