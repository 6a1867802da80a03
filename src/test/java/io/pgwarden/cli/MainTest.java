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
    void unknownCommandIsAUsageError() {
        CommandLine cli = Main.commandLine(Map.of());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("frobnicate")).isEqualTo(2);
        assertThat(err.toString()).contains("frobnicate");
    }
}
