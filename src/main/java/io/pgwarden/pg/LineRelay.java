package io.pgwarden.pg;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a child's output pipe line by line on a daemon thread and hands each line to a consumer,
 * until the pipe closes (every process holding it has exited). It never stops reading early: a
 * child writing into a full pipe would block.
 */
final class LineRelay {
    private static final Logger log = LoggerFactory.getLogger(LineRelay.class);

    private LineRelay() {
    }

    static Thread start(InputStream in, Consumer<String> lines, String threadName) {
        Thread t = new Thread(() -> relay(in, lines), threadName);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void relay(InputStream in, Consumer<String> lines) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                try {
                    lines.accept(line);
                } catch (RuntimeException e) {
                    log.warn("could not relay a line of child output ({}): {}", e, line);
                }
            }
        } catch (IOException e) {
            log.debug("child output pipe closed: {}", e.getMessage());
        }
    }
}
