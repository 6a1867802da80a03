package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Running one subcommand without building the tree looks and behaves as it does through the tree. */
class SingleCommandTest {
    private static String run(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        cli.execute(args);
        return out.toString();
    }

    @Test
    void helpOfASingleSubcommandMatchesTheTree() {
        String single = run(SingleCommand.of("wait", Map.of()), "--help");
        String tree = run(Main.commandLine(Map.of()), "wait", "--help");
        assertThat(single).isEqualTo(tree).startsWith("Usage: pgwarden wait ").contains("Exit codes:");
    }

    @Test
    void versionAndErrorsWorkAsThroughTheTree() {
        assertThat(run(SingleCommand.of("up", Map.of()), "--version")).startsWith("pgwarden ");
        CommandLine up = SingleCommand.of("up", Map.of());
        StringWriter err = new StringWriter();
        up.setErr(new PrintWriter(err, true));
        assertThat(up.execute("--port", "x")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: --port=x: expected a port number from 1 to 65535\n");
    }

    @Test
    void aNestedSubcommandIsBuiltAloneAndLooksAsThroughTheTree() {
        SingleCommand.Found apply = SingleCommand.find(new String[] {"migrate", "apply", "--help"}, Map.of());
        assertThat(apply.namedBy()).isEqualTo(2);
        assertThat(apply.commandLine().getSubcommands()).isEmpty();
        assertThat(run(apply.commandLine(), "--help")).isEqualTo(run(Main.commandLine(Map.of()), "migrate", "apply", "--help"))
                .startsWith("Usage: pgwarden migrate apply ").contains("Exit codes:");

        StringWriter err = new StringWriter();
        apply.commandLine().setErr(new PrintWriter(err, true));
        assertThat(apply.commandLine().execute("--frobnicate")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: Unknown option: '--frobnicate'\n"
                + "See 'pgwarden migrate apply --help' for options and examples.\n");
    }

    @Test
    void withAConfigFileTheSiblingsAreBuiltSoThatTheirSettingsAreKnown() {
        SingleCommand.Found apply = SingleCommand.find(new String[] {"migrate", "apply"},
                Map.of("PGWARDEN_CONFIG", "/etc/pgwarden.yaml"));
        assertThat(apply.namedBy()).isEqualTo(1);
        assertThat(apply.commandLine().getSubcommands()).containsKeys("apply", "info", "validate", "plan");
        assertThat(SingleCommand.find(new String[] {"migrate", "--help"}, Map.of()).namedBy()).isEqualTo(1);
        assertThat(SingleCommand.find(new String[] {"up", "--port", "5433"}, Map.of()).namedBy()).isEqualTo(1);
    }

    @Test
    void unknownNamesAreLeftToTheTree() {
        assertThat(SingleCommand.of("frobnicate", Map.of())).isNull();
        assertThat(SingleCommand.of("--help", Map.of())).isNull();
        assertThat(SingleCommand.find(new String[0], Map.of())).isNull();
    }
}
