package io.pgwarden.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.cli.Main;
import io.pgwarden.core.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The README documents every command, every environment variable with its flag, and every exit code. */
class ReadmeTest {
    private static final Path README = Path.of("README.md");

    @Test
    void environmentTableMatchesTheCli() throws Exception {
        String readme = Files.readString(README);
        String table = EnvironmentReference.table();
        assertThat(readme).as("README's environment table is out of date; replace it with:%n%s", table).contains(table);
    }

    @Test
    void everyCommandHasAnExample() throws Exception {
        String readme = Files.readString(README);
        CommandLine root = Main.commandLine(Map.of());
        root.getSubcommands().forEach((name, cmd) -> {
            if (cmd.getSubcommands().isEmpty()) {
                assertThat(readme).as("README example for '%s'", name).containsPattern("pgwarden " + name + "[ \\n]");
            } else {
                cmd.getSubcommands().keySet().forEach(sub -> assertThat(readme)
                        .as("README example for '%s %s'", name, sub).contains("pgwarden " + name + " " + sub));
            }
        });
    }

    @Test
    void everyExitCodeIsListed() throws Exception {
        String readme = Files.readString(README);
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(readme).as("exit code %s", code).contains("| " + code.exitCode() + " | " + code.description() + " |");
        }
    }

    /**
     * The README's shell examples work as written from a clone: the command is {@code ./pgwarden} (no pgwarden is on
     * PATH there), and a password file an example reads is one an earlier {@code up --data-dir DIR} example writes
     * ({@code DIR/pgwarden.password}).
     */
    @Test
    void shellExamplesWorkFromAClone() throws Exception {
        java.util.List<String> problems = new java.util.ArrayList<>();
        java.util.Set<String> written = new java.util.HashSet<>();
        boolean sh = false;
        for (String line : Files.readAllLines(README)) {
            if (line.startsWith("```")) {
                sh = line.startsWith("```sh");
                continue;
            }
            if (!sh) {
                continue;
            }
            String command = line.strip().replaceFirst("^([A-Z_]+=\\S+\\s+)*", "");
            if (command.startsWith("pgwarden ")) {
                problems.add("not ./pgwarden: " + line);
            }
            java.util.regex.Matcher up = java.util.regex.Pattern.compile("pgwarden up .*--data-dir (\\S+)").matcher(command);
            if (up.find()) {
                written.add(up.group(1) + "/pgwarden.password");
            } else if (command.startsWith("./pgwarden up")) {
                written.add("pgwarden-data/pgwarden.password"); // up's default --data-dir
                written.add("./pgwarden-data/pgwarden.password");
            }
            java.util.regex.Matcher read = java.util.regex.Pattern.compile("--(?:primary-)?password-file (\\S+)").matcher(line);
            while (read.find()) {
                if (!written.contains(read.group(1))) {
                    problems.add("no earlier example writes " + read.group(1) + ": " + line);
                }
            }
        }
        assertThat(problems).isEmpty();
    }
}
