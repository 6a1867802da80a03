package io.pgwarden.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgVersion;
import io.pgwarden.core.PgWardenException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded binaries cache: the real 18.1.0 jar from the local Maven repository, served once from
 * the local repository and once over HTTP by a real server standing in for Maven Central, plus the
 * ways a download can be wrong (checksum, layout). Every failure must leave the cache without a
 * version directory or temporary leftovers.
 */
class EmbeddedBinariesIT {
    private static final String VERSION = EmbeddedBinaries.PINNED.get(18);
    private static final Path M2 = Path.of(System.getProperty("user.home"), ".m2/repository");
    private static final String PATH = EmbeddedBinaries.GROUP_PATH + "/" + VERSION + "/"
            + EmbeddedBinaries.ARTIFACT + "-" + VERSION + ".jar";

    @TempDir
    Path cache;
    @TempDir
    Path emptyRepo;

    private HttpServer server;
    private final Map<String, byte[]> served = new HashMap<>();
    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = served.get(ex.getRequestURI().getPath().substring(1));
            ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private EmbeddedBinaries embedded(Path localRepo) {
        URI repo = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        return new EmbeddedBinaries(cache, localRepo,
                new ArtifactDownloader(repo, new PrintStream(progress, true, StandardCharsets.UTF_8)), new SystemProcessRunner());
    }

    private void serveRealJar(String sha1) throws IOException {
        served.put(PATH, Files.readAllBytes(M2.resolve(PATH)));
        served.put(PATH + ".sha1", sha1.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void localMavenRepositoryIsUsedFirstAndTheResultIsCached() {
        EmbeddedBinaries.Installed first = embedded(M2).install(new PgVersion(18));
        assertThat(first.binDir()).isEqualTo(cache.resolve("embedded/" + VERSION + "/bin"));
        assertThat(first.origin()).startsWith("from the local Maven repository " + M2.resolve(PATH));
        ProcessResult version = new SystemProcessRunner().run(List.of(first.binDir().resolve("postgres").toString(), "--version"),
                Duration.ofSeconds(30));
        assertThat(version.stdout()).contains("PostgreSQL) 18.1");

        EmbeddedBinaries.Installed second = embedded(null).install(new PgVersion(18));
        assertThat(second.origin()).isEqualTo("cached in " + cache.resolve("embedded/" + VERSION));
        assertThat(served).isEmpty();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void downloadIsVerifiedAndShowsProgress() throws IOException {
        serveRealJar(Files.readString(M2.resolve(PATH + ".sha1")));
        EmbeddedBinaries.Installed installed = embedded(emptyRepo).install(new PgVersion(18));
        assertThat(installed.origin()).contains("downloaded from http://127.0.0.1:").contains("SHA-1 verified");
        assertThat(installed.binDir().resolve("initdb")).isExecutable();
        String shown = progress.toString(StandardCharsets.UTF_8);
        assertThat(shown).contains("pgwarden: downloading PostgreSQL " + VERSION + " binaries from http://127.0.0.1:")
                .contains("100%");
    }

    @Test
    void checksumMismatchIsRejectedAndLeavesNothing() throws IOException {
        serveRealJar("0000000000000000000000000000000000000000  " + EmbeddedBinaries.ARTIFACT + "-" + VERSION + ".jar");
        assertThatThrownBy(() -> embedded(emptyRepo).install(new PgVersion(18)))
                .isInstanceOf(PgWardenException.class)
                .hasMessageContaining("but the published checksum is 0000000000000000000000000000000000000000; the file was discarded.")
                .extracting(e -> ((PgWardenException) e).code()).isEqualTo(ErrorCode.ENVIRONMENT);
        assertThat(leftovers()).isEmpty();
        assertThat(cache.resolve("embedded")).doesNotExist();
    }

    @Test
    void jarWithoutTheArchiveIsRejectedAndLeavesNothing() throws Exception {
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(jar)) {
            zip.putNextEntry(new ZipEntry("evil.sh"));
            zip.write("echo hi".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        served.put(PATH, jar.toByteArray());
        Path tmp = Files.write(emptyRepo.resolve("x.jar"), jar.toByteArray());
        served.put(PATH + ".sha1", EmbeddedBinaries.sha1(tmp).getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> embedded(emptyRepo).install(new PgVersion(18)))
                .hasMessage("The jar of embedded PostgreSQL " + VERSION + " does not have the expected layout (only "
                        + "postgres-linux-x86_64.txz and META-INF/); it has [evil.sh]. Nothing was unpacked.");
        assertThat(leftovers()).isEmpty();
        assertThat(cache.resolve("embedded")).doesNotExist();
    }

    @Test
    void missingArtifactNamesTheUrlAndTheWayOut() {
        assertThatThrownBy(() -> embedded(emptyRepo).install(new PgVersion(18)))
                .hasMessageEndingWith(".jar.sha1 answered HTTP 404; the embedded binaries cannot be downloaded."
                        + " Install PostgreSQL and pass --pg-bin instead.");
    }

    @Test
    void majorsWithoutPinnedVersionAreInvalidInput() {
        assertThatThrownBy(() -> EmbeddedBinaries.versionFor(new PgVersion(14)))
                .hasMessage("No embedded binaries are pinned for PostgreSQL 14; pgwarden can download majors [15, 16, 17, 18]."
                        + " Install PostgreSQL 14 and pass --pg-bin, or choose one of those with --pg-version.");
    }

    @Test
    void cacheDirectoryFollowsTheEnvironment() {
        Path home = Path.of("/home/u");
        assertThat(EmbeddedBinaries.defaultCacheDir(Map.of("PGWARDEN_CACHE", "/c"), false, home)).isEqualTo(Path.of("/c"));
        assertThat(EmbeddedBinaries.defaultCacheDir(Map.of("XDG_CACHE_HOME", "/x"), true, home)).isEqualTo(Path.of("/x/pgwarden"));
        assertThat(EmbeddedBinaries.defaultCacheDir(Map.of(), false, home)).isEqualTo(Path.of("/home/u/.cache/pgwarden"));
        assertThat(EmbeddedBinaries.defaultCacheDir(Map.of(), true, home)).isEqualTo(Path.of("/var/cache/pgwarden"));
    }

    private List<String> leftovers() {
        try (var s = Files.list(cache)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("embedded")).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
