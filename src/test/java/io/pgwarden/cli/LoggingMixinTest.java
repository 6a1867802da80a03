package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Invalid LOG_LEVEL / LOG_FORMAT are usage errors naming the command and the documented values. */
class LoggingMixinTest {
    @Test
    void anUnknownLevelNamesTheDocumentedValuesAndTheCommand() {
        CliRun r = CliRun.of(Map.of("LOG_LEVEL", "verbose"), "tune", "--memory", "1GB", "--cpus", "1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: LOG_LEVEL=verbose: allowed values are error, warn, info, debug\n"
                + "See 'pgwarden tune --help' for options and examples.\n");
        CliRun format = CliRun.of(Map.of(), "wait", "--log-format", "xml");
        assertThat(format.err()).isEqualTo("error: --log-format=xml: allowed values are text, json\n"
                + "See 'pgwarden wait --help' for options and examples.\n");
    }

    @Test
    void theSingleCommandPathNamesPgwardenToo() {
        var cli = SingleCommand.of("status", Map.of("LOG_LEVEL", "TRACE"));
        var err = new java.io.StringWriter();
        cli.setErr(new java.io.PrintWriter(err, true));
        assertThat(cli.execute()).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: LOG_LEVEL=TRACE: allowed values are error, warn, info, debug\n"
                + "See 'pgwarden status --help' for options and examples.\n");
    }
}
