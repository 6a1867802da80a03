package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    @Test
    void helpListsExitCodesAndVersionPrints() {
        CommandLine cli = Main.commandLine(Map.of());
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("Exit codes:").contains("invalid flag, environment variable");
        out.getBuffer().setLength(0);
        assertThat(cli.execute("--version")).isZero();
        assertThat(out.toString()).startsWith("pgwarden ");
    }

    @Test
    void missingSubcommandFailsWithTheListInsteadOfSucceeding() {
        CommandLine cli = Main.commandLine(Map.of());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("migrate")).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: missing subcommand; choose one of: apply, info,")
                .contains("See 'pgwarden migrate --help'").doesNotContain("Usage:");
    }

    @Test
    void usageErrorsAreJsonLinesWhenJsonLogsAreAsked() throws Exception {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        io.pgwarden.core.log.LogSettings.redirect(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertThat(Main.run(new String[] {"tune", "--bogus"}, Map.of("LOG_FORMAT", "json"))).isEqualTo(2);
        } finally {
            io.pgwarden.core.log.LogSettings.redirect(System.err);
            io.pgwarden.core.log.LogSettings.configure(io.pgwarden.core.log.LogFormat.TEXT, org.slf4j.event.Level.INFO);
        }
        var line = new com.fasterxml.jackson.databind.ObjectMapper().readTree(buf.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(line.get("level").asText()).isEqualTo("ERROR");
        assertThat(line.get("msg").asText()).contains("Unknown option: '--bogus'");
    }

    @Test
    void misspeltConfigFileSettingIsAnErrorNotIgnored(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("pgwarden.yaml");
        java.nio.file.Files.writeString(file, "memroy: 2GB\nworkload: dw\n");
        CommandLine cli = Main.commandLine(Map.of());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        assertThat(cli.execute("tune", "--config", file.toString(), "--memory", "2GB")).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: Configuration file " + file + ": unknown setting(s) memroy;");
    }

    @Test
    void aMistypedOptionOrCommandGetsTheClosestNames() {
        CliRun prot = CliRun.of(Map.of(), "up", "--prot", "56101");
        assertThat(prot.exitCode()).isEqualTo(2);
        assertThat(prot.err()).isEqualTo("error: Unknown option: '--prot'; did you mean --port?\n"
                + "See 'pgwarden up --help' for options and examples.\n");
        CliRun tune = CliRun.of(Map.of(), "tune", "--memroy=1GB", "--cpus", "2", "extra");
        assertThat(tune.err()).isEqualTo("error: Unknown option: '--memroy=1GB'; did you mean --memory?\n"
                + "Unexpected argument: 'extra'; pgwarden tune takes no positional arguments here (a value with spaces"
                + " needs quotes).\nSee 'pgwarden tune --help' for options and examples.\n");
        CliRun none = CliRun.of(Map.of(), "wait", "--frobnicate");
        assertThat(none.err()).startsWith("error: Unknown option: '--frobnicate'\n");
        CliRun aply = CliRun.of(Map.of(), "migrate", "aply");
        assertThat(aply.exitCode()).isEqualTo(2);
        assertThat(aply.err()).startsWith("error: Unknown command: 'aply'; did you mean apply? Commands: apply, info,");
    }

    @Test
    void unknownCommandIsAUsageError() {
        CommandLine cli = Main.commandLine(Map.of());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("frobnicate")).isEqualTo(2);
        assertThat(err.toString()).contains("frobnicate");
    }
}
