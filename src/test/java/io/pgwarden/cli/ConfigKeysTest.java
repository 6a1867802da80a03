package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** A configuration file may hold the settings of any command, in either spelling, and nothing else. */
class ConfigKeysTest {
    @TempDir
    Path dir;

    private static void collect(CommandSpec command, Set<String> names) {
        command.options().stream().map(o -> o.longestName()).filter(n -> n.startsWith("--"))
                .forEach(n -> names.add(n.substring(2)));
        command.subcommands().values().forEach(sub -> collect(sub.getCommandSpec(), names));
    }

    @Test
    void theKeysAreTheLongOptionNamesOfEveryCommand() {
        Set<String> tree = new TreeSet<>();
        collect(Main.commandLine(Map.of()).getCommandSpec(), tree);
        tree.removeAll(ConfigKeys.NOT_SETTINGS);
        assertThat(new TreeSet<>(ConfigKeys.ALL))
                .as("ConfigKeys.ALL must be: \"" + String.join("\", \"", tree) + "\"")
                .isEqualTo(tree);
    }

    private CliRun run(String yaml, String... args) throws Exception {
        Path file = dir.resolve("c3.yaml");
        Files.writeString(file, yaml);
        return CliRun.of(Map.of("PGWARDEN_CONFIG", file.toString()), args);
    }

    @Test
    void waitTakesHostAndPortFromTheFileAfterTheEnvironment() throws Exception {
        int port = io.pgwarden.testing.TestPostgres.freePort();
        int other = io.pgwarden.testing.TestPostgres.freePort();
        Path file = dir.resolve("c3.yaml");
        Files.writeString(file, "host: 127.0.0.2\nport: " + port + "\n");
        CliRun fromFile = CliRun.of(Map.of("PGWARDEN_CONFIG", file.toString()), "wait", "--timeout", "1s");
        assertThat(fromFile.out()).startsWith("timeout: 127.0.0.2:" + port + " did not accept connections within 1s");
        CliRun env = CliRun.of(Map.of("PGWARDEN_CONFIG", file.toString(), "PGPORT", Integer.toString(other)), "wait",
                "--timeout", "1s");
        assertThat(env.out()).startsWith("timeout: 127.0.0.2:" + other + " did not accept connections within 1s");
        CliRun url = CliRun.of(Map.of("PGWARDEN_CONFIG", file.toString()), "wait", "--timeout", "1s", "--url",
                "postgresql://postgres@127.0.0.1:" + other + "/postgres");
        assertThat(url.out()).startsWith("timeout: 127.0.0.1:" + other + " did not accept connections within 1s");
    }

    @Test
    void optionsThatAreNotReadFromTheFileAreRejectedThere() throws Exception {
        CliRun r = run("log-level: debug\nskip-validation: true\n", "tune", "--cpus", "2", "--memory", "1GB");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: Configuration file " + dir.resolve("c3.yaml")
                + ": unknown setting(s) log-level, skip-validation; ");
    }

    @Test
    void anotherCommandsSettingsAreAcceptedInEitherSpelling() throws Exception {
        CliRun r = run("port: 5433\nmemory: 2GB\nhealth-port: 8009\nhealthport: 8009\nnotune: true\nhealth_address: 0.0.0.0\n",
                "tune", "--cpus", "2", "--pg-version", "16");
        assertThat(r.err()).isEqualTo("error: Configuration file " + dir.resolve("c3.yaml")
                + ": 'health-port' and 'healthport' are the same setting; keep one of them.\n");
        CliRun ok = run("port: 5433\nmemory: 2GB\nhealth-port: 8009\nnotune: true\nhealth_address: 0.0.0.0\nPG_VERSION: 16\n",
                "tune", "--cpus", "2");
        assertThat(ok.err()).isEmpty();
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out()).startsWith("Resources: memory 2GB (from " + dir.resolve("c3.yaml") + ": memory), 2 CPUs")
                .contains("PostgreSQL 16");
    }

    @Test
    void aMisspeltKeyIsReportedWithTheInvalidValues() throws Exception {
        CliRun r = run("memroy: 2GB\nworkload: nope\n", "tune", "--cpus", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        String file = dir.resolve("c3.yaml").toString();
        assertThat(r.err()).isEqualTo("error: Configuration file " + file + ": unknown setting(s) memroy; keys are the"
                + " long option names of pgwarden's commands without the leading dashes, e.g. 'memory: 2GB'"
                + " (see 'pgwarden <command> --help').\n"
                + "--cpus=0: expected a number of CPUs between 1 and 4096, e.g. 2 (1.5 is rounded up)\n"
                + file + ": workload=nope: allowed values are web, oltp, dw, mixed\n");
    }

    /** Every command that reads settings reports a misspelt key before it does anything. */
    @ParameterizedTest
    @ValueSource(strings = {"tune", "run", "up", "sidecar", "endpoints reconcile", "endpoints watch", "migrate apply",
            "migrate info", "migrate plan", "migrate validate", "migrate repair", "migrate watch", "wait",
            "healthcheck", "status", "promote", "rejoin"})
    void everyCommandRejectsAMisspeltKey(String command) throws Exception {
        CliRun r = run("memroy: 2GB\n", command.split(" "));
        assertThat(r.err()).startsWith("error: Configuration file " + dir.resolve("c3.yaml")
                + ": unknown setting(s) memroy; ");
        // healthcheck's usage code is 64: its 2 means critical
        assertThat(r.exitCode()).isEqualTo(command.equals("healthcheck") ? 64 : 2);
    }
}
