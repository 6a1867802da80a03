package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.testing.TestPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --pg-version} defaults to the major of the installed PostgreSQL that {@code up} would run. */
class TuneCommandIT {
    @Test
    void defaultVersionIsTheInstalledServerTheResolverFinds() {
        CommandLine cli = Main.commandLine(Map.of("PG_BINDIR", TestPostgres.DEBIAN_15.toString()));
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        assertThat(cli.execute("tune", "--memory", "2GB", "--cpus", "8", "--format", "conf")).isZero();
        assertThat(out.toString()).contains("# workload web, storage ssd, PostgreSQL 15\n").doesNotContain("io_workers");
    }

    @Test
    void anUnusableBinDirectoryIsReportedAsUpWouldReportIt() {
        CommandLine cli = Main.commandLine(Map.of("PG_BINDIR", "/nonexistent/bin"));
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("tune", "--memory", "2GB", "--cpus", "8")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: PG_BINDIR=/nonexistent/bin: no such directory; point it at the"
                + " directory holding postgres, initdb and pg_ctl, e.g. /usr/lib/postgresql/15/bin.\n");
        cli.setErr(new PrintWriter(new StringWriter()));
        assertThat(cli.execute("tune", "--memory", "2GB", "--cpus", "8", "--pg-version", "17")).isZero();
    }
}
