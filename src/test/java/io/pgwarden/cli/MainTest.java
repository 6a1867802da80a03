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
    void unknownCommandIsAUsageError() {
        CommandLine cli = Main.commandLine(Map.of());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("frobnicate")).isEqualTo(2);
        assertThat(err.toString()).contains("frobnicate");
    }
}
