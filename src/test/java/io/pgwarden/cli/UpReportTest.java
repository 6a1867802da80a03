package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgwarden.core.PgVersion;
import io.pgwarden.core.log.LogFormat;
import io.pgwarden.core.log.LogSettings;
import io.pgwarden.pg.Privileges;
import io.pgwarden.tune.Profile;
import io.pgwarden.tune.Resources;
import io.pgwarden.tune.StorageType;
import io.pgwarden.tune.TuningPlan;
import io.pgwarden.tune.Workload;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** {@code up}'s report: with {@code --log-format json} a tuning warning is a JSON log line, not plain text. */
class UpReportTest {
    @AfterEach
    void reset() {
        LogSettings.configure(LogFormat.TEXT, Level.INFO);
        LogSettings.redirect(System.err);
    }

    @Test
    void tuningWarningsFollowTheLogFormat() throws Exception {
        String warning = "Memory was taken from /proc/meminfo (the host's memory)";
        TuningPlan plan = new TuningPlan(new Resources(2048, "/proc/meminfo", 2, "available processors", List.of()),
                new Profile(Workload.WEB, StorageType.SSD, PgVersion.parse("15.4"), List.of()), List.of(), List.of(warning));
        StringWriter text = new StringWriter();
        new UpReport(new PrintWriter(new StringWriter()), new PrintWriter(text), Privileges.detect(null),
                new InetSocketAddress("127.0.0.1", 0), null).tuned(plan);
        assertThat(text.toString()).isEqualTo("warning: " + warning + System.lineSeparator());

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LogSettings.configure(LogFormat.JSON, Level.INFO);
        LogSettings.redirect(new PrintStream(log, true, StandardCharsets.UTF_8));
        StringWriter json = new StringWriter();
        new UpReport(new PrintWriter(new StringWriter()), new PrintWriter(json), Privileges.detect(null),
                new InetSocketAddress("127.0.0.1", 0), null).tuned(plan);
        assertThat(json.toString()).isEmpty();
        var line = new ObjectMapper().readTree(log.toString(StandardCharsets.UTF_8));
        assertThat(line.get("level").asText()).isEqualTo("WARN");
        assertThat(line.get("msg").asText()).isEqualTo(warning);
    }
}
