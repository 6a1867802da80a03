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
}
