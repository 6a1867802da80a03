package io.pgwarden.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileEndpointPublisherTest {
    private static final NodeAddress A = new NodeAddress("10.0.0.1", 5432);
    private static final NodeAddress B = new NodeAddress("10.0.0.2", 5433);
    private static final Instant T1 = Instant.parse("2026-11-23T21:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-23T21:05:00Z");

    @TempDir
    Path dir;

    @Test
    void writesTheDocumentedFormatOnlyWhenSomethingChanges() throws IOException {
        Path file = dir.resolve("topology.json");
        FileEndpointPublisher p = new FileEndpointPublisher(file);
        DesiredEndpoints e = new DesiredEndpoints(A, List.of(B), List.of());

        assertThat(p.publish(e, T1)).isEqualTo(PublishResult.CHANGED);
        assertThat(Files.readString(file)).isEqualTo("""
                {
                  "primary" : "10.0.0.1:5432",
                  "replicas" : [ "10.0.0.2:5433" ],
                  "down" : [ ],
                  "splitBrain" : false,
                  "signature" : "%s",
                  "changedAt" : "2026-11-23T21:00:00Z"
                }
                """.formatted(e.signature()));
        assertThat(p.publish(e, T2)).isEqualTo(PublishResult.UNCHANGED);
        assertThat(Files.readString(file)).contains("\"changedAt\" : \"2026-11-23T21:00:00Z\"");
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary file is left behind").containsExactly(file);
        }
    }

    @Test
    void splitBrainKeepsRoutingAndSetsTheFlagUntilTheNextPublish() throws IOException {
        Path file = dir.resolve("topology.json");
        FileEndpointPublisher p = new FileEndpointPublisher(file);
        DesiredEndpoints e = new DesiredEndpoints(A, List.of(B), List.of());
        p.publish(e, T1);

        p.recordSplitBrain(List.of(A, B), "split brain", T2);

        assertThat(Files.readString(file)).contains("\"primary\" : \"10.0.0.1:5432\"", "\"splitBrain\" : true",
                "\"changedAt\" : \"2026-11-23T21:05:00Z\"");
        assertThat(p.publish(e, T2)).isEqualTo(PublishResult.CHANGED);
        assertThat(Files.readString(file)).contains("\"splitBrain\" : false");
    }

    @Test
    void anUnwritableTargetIsAPublishFailureNamingTheFile() throws IOException {
        Path target = Files.createDirectory(dir.resolve("topology.json"));
        Files.writeString(target.resolve("inside"), "x"); // a file cannot be renamed over a directory
        FileEndpointPublisher p = new FileEndpointPublisher(target);

        assertThatThrownBy(() -> p.publish(new DesiredEndpoints(A, List.of(), List.of()), T1))
                .isInstanceOf(PgWardenException.class)
                // the middle names pgwarden's temporary file, whose name is random
                .hasMessageStartingWith("Cannot write endpoints file " + target + ": java.nio.file.FileSystemException: ")
                .hasMessageEndingWith(" -> " + target + ": Is a directory. Check that its directory exists and is "
                        + "writable by pgwarden.")
                .satisfies(t -> assertThat(((PgWardenException) t).code()).isEqualTo(ErrorCode.PUBLISH_FAILED));
    }

    @Test
    void aPlainFileInPlaceOfTheDirectoryIsAPublishFailure() throws IOException {
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        FileEndpointPublisher p = new FileEndpointPublisher(notADir.resolve("topology.json"));

        assertThatThrownBy(() -> p.publish(new DesiredEndpoints(A, List.of(), List.of()), T1))
                .isInstanceOf(PgWardenException.class)
                .hasMessage("Cannot write endpoints file " + notADir.resolve("topology.json") + ": its directory "
                        + notADir + " is not a directory (pgwarden does not create directories); create it or fix "
                        + "--file/ENDPOINTS_FILE");
    }

    @Test
    void aMissingDirectoryIsAnErrorAndIsNotCreated() {
        Path missing = dir.resolve("no-such-dir");
        Path file = missing.resolve("topology.json");
        FileEndpointPublisher p = new FileEndpointPublisher(file);

        assertThatThrownBy(() -> p.publish(new DesiredEndpoints(A, List.of(B), List.of()), T1))
                .isInstanceOf(PgWardenException.class)
                .hasMessage("Cannot write endpoints file " + file + ": its directory " + missing + " does not exist "
                        + "(pgwarden does not create directories); create it or fix --file/ENDPOINTS_FILE")
                .satisfies(e -> assertThat(((PgWardenException) e).code()).isEqualTo(ErrorCode.PUBLISH_FAILED));
        assertThat(missing).doesNotExist();
    }
}
