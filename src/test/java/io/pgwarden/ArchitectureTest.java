package io.pgwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Enforces DESIGN.md's dependency table: every reference from one pgwarden package to another
 * (import or fully qualified name) must point down the table. Fails naming the file and the arrow.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/io/pgwarden");
    private static final Set<String> CAPABILITIES = Set.of("core", "config", "pg", "tune", "instance", "migrate",
            "topology", "ha", "backup");

    /** Which top-level packages each package may use (besides itself). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("core", Set.of()),
            Map.entry("config", Set.of("core")),
            Map.entry("pg", Set.of("core")),
            Map.entry("tune", Set.of("core")),
            Map.entry("instance", Set.of("core", "config", "pg")),
            Map.entry("migrate", Set.of("core", "pg")),
            Map.entry("topology", Set.of("core", "pg")),
            Map.entry("backup", Set.of("core", "pg")),
            Map.entry("ha", Set.of("core", "pg", "topology", "instance")),
            Map.entry("health", CAPABILITIES),
            Map.entry("agent", union(CAPABILITIES, Set.of("health"))),
            Map.entry("cli", union(CAPABILITIES, Set.of("health", "agent"))));

    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.pgwarden\\.([a-z]+)\\b");

    @Test
    void everyPackageIsKnownAndDocumented() throws IOException {
        try (Stream<Path> dirs = Files.list(MAIN)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                String name = dir.getFileName().toString();
                assertThat(ALLOWED).as("package io.pgwarden.%s is not in DESIGN.md's table", name).containsKey(name);
                assertThat(dir.resolve("package-info.java")).as("package-info.java of %s", name).exists();
            }
        }
    }

    @Test
    void dependenciesPointDownTheTable() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String from = MAIN.relativize(file).getName(0).toString();
                if (!ALLOWED.containsKey(from)) {
                    continue;
                }
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("package ")) {
                        continue;
                    }
                    Matcher m = REFERENCE.matcher(line);
                    while (m.find()) {
                        String to = m.group(1);
                        if (!to.equals(from) && !ALLOWED.get(from).contains(to)) {
                            violations.add(file + ": " + from + " -> " + to);
                        }
                    }
                }
            }
        }
        assertThat(violations).as("imports against DESIGN.md's dependency direction").isEmpty();
    }

    /**
     * The CLI parses, resolves and prints; the agent package assembles what runs. Constructing a loop, a runtime, a
     * thread, a probe or a server, or handling signals, belongs in {@code agent}.
     */
    static final Pattern CLI_BUILDS_RUNTIME = Pattern.compile("new\\s+(?:[\\w.]+\\.)?(\\w*(?:Loop|LoopRunner|Runtime|Supervisor"
            + "|WatchCommand|NodeProbe|ClusterProbe|HealthServer|Launcher|Thread)|Agent)\\s*\\("
            + "|implements\\s+[\\w.]*AgentLoop|sun\\.misc\\.Signal|Signal\\.handle");

    @Test
    void cliConstructsNoLoopRuntimeThreadOrSignalHandler() throws IOException {
        // the rule must be able to fail: what cli used to do is caught
        assertThat(CLI_BUILDS_RUNTIME.matcher("WatchLoop loop = new WatchLoop(runtime.command(), every, Clock.SYSTEM);")
                .find()).isTrue();
        assertThat(CLI_BUILDS_RUNTIME.matcher("try (EndpointsRuntime r = new EndpointsRuntime(config)) {").find()).isTrue();
        assertThat(CLI_BUILDS_RUNTIME.matcher("Thread worker = new Thread(loop, \"w\");").find()).isTrue();
        assertThat(CLI_BUILDS_RUNTIME.matcher("return new RunAgent(settings, resolver).run(stop);").find()).isFalse();
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN.resolve("cli"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (CLI_BUILDS_RUNTIME.matcher(lines.get(i)).find()) {
                        violations.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(violations).as("cli building what the agent package should assemble").isEmpty();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.HashSet<String> s = new java.util.HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }
}
