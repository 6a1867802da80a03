package io.pgwarden.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the endpoints as JSON for scripts, sidecars and templating tools:
 * <pre>{"primary": "10.0.0.1:5432", "replicas": ["10.0.0.2:5432"], "down": [], "splitBrain": false,
 *  "signature": "3f2a...", "changedAt": "2026-11-23T21:00:00Z"}</pre>
 * Atomically (write, then rename) and only when something other than {@code changedAt} differs. On split brain the
 * routing fields are kept as they were and {@code splitBrain} becomes true.
 */
public final class FileEndpointPublisher implements EndpointPublisher {
    private static final Logger log = LoggerFactory.getLogger(FileEndpointPublisher.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;

    public FileEndpointPublisher(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    @Override
    public String name() {
        return "file " + file;
    }

    @Override
    public PublishResult publish(DesiredEndpoints endpoints, Instant now) {
        ObjectNode desired = JSON.createObjectNode();
        desired.put("primary", endpoints.primary().toString());
        addresses(desired.putArray("replicas"), endpoints.replicas());
        addresses(desired.putArray("down"), endpoints.down());
        desired.put("splitBrain", false);
        desired.put("signature", endpoints.signature());
        return writeIfChanged(desired, now);
    }

    @Override
    public void recordSplitBrain(List<NodeAddress> primaries, String reason, Instant now) {
        ObjectNode current = read();
        ObjectNode desired = current == null ? JSON.createObjectNode() : current.deepCopy();
        if (current == null) {
            desired.putNull("primary");
            desired.putArray("replicas");
            desired.putArray("down");
            desired.putNull("signature");
        }
        desired.remove("changedAt");
        desired.put("splitBrain", true);
        writeIfChanged(desired, now);
    }

    private PublishResult writeIfChanged(ObjectNode desired, Instant now) {
        ObjectNode current = read();
        if (current != null) {
            current.remove("changedAt");
            if (current.equals(desired)) {
                return PublishResult.UNCHANGED;
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new PgWardenException(ErrorCode.PUBLISH_FAILED, "Cannot write endpoints file " + file + ": its directory "
                    + dir + (Files.exists(dir) ? " is not a directory" : " does not exist")
                    + " (pgwarden does not create directories); create it or fix --file/ENDPOINTS_FILE");
        }
        ObjectNode out = desired.deepCopy();
        out.put("changedAt", now.toString());
        try {
            AtomicFiles.write(file, JSON.writeValueAsString(out) + "\n");
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.PUBLISH_FAILED, "Cannot write endpoints file " + file + ": " + e
                    + ". Check that its directory exists and is writable by pgwarden.", e);
        }
        log.info("file {}: wrote primary {}, replicas {}, splitBrain {}", file, out.get("primary").asText(),
                out.get("replicas"), out.get("splitBrain"));
        return PublishResult.CHANGED;
    }

    /** The current content, or null when the file is missing or not a JSON object (then it is rewritten). */
    private ObjectNode read() {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            return node instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            log.warn("file {}: unreadable ({}); it will be rewritten", file, e.getMessage());
            return null;
        }
    }

    private static void addresses(ArrayNode array, List<NodeAddress> addresses) {
        addresses.forEach(a -> array.add(a.toString()));
    }
}
