package io.pgwarden.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

class PgWardenLoggerTest {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final Logger log = LoggerFactory.getLogger("io.pgwarden.instance.Test");

    @AfterEach
    void reset() {
        LogSettings.configure(LogFormat.TEXT, Level.INFO);
        LogSettings.redirect(System.err);
    }

    private String capture(LogFormat format, Level level, Runnable r) {
        LogSettings.configure(format, level);
        LogSettings.redirect(new PrintStream(buf, true, StandardCharsets.UTF_8));
        r.run();
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonLinesCarryLevelLoggerAndMaskedMessage() throws Exception {
        String out = capture(LogFormat.JSON, Level.INFO,
                () -> log.info("connecting to {} as \"{}\"", "postgresql://app:hunter2@db/x", "app"));
        JsonNode line = new ObjectMapper().readTree(out);
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("logger").asText()).isEqualTo("instance.Test");
        assertThat(line.get("msg").asText()).isEqualTo("connecting to postgresql://app:****@db/x as \"app\"");
        assertThat(out).doesNotContain("hunter2").endsWith(System.lineSeparator());
    }

    @Test
    void textLinesAndThreshold() {
        String out = capture(LogFormat.TEXT, Level.WARN, () -> {
            log.info("hidden");
            log.warn("disk {} low", "/data", new IllegalStateException("password=secret1"));
        });
        assertThat(out).doesNotContain("hidden").contains("WARN  instance.Test: disk /data low")
                .contains("IllegalStateException").doesNotContain("secret1");
    }
}
