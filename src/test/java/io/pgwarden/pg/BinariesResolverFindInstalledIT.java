package io.pgwarden.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.testing.TestPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BinariesResolver#findInstalled} answers what resolve() would pick, without obtaining embedded binaries. */
class BinariesResolverFindInstalledIT {
    @TempDir
    Path dir;

    private BinariesResolver resolver(Map<String, String> env, Path systemRoot) {
        EmbeddedBinaries embedded = new EmbeddedBinaries(dir.resolve("cache"), null,
                new ArtifactDownloader(EmbeddedBinaries.MAVEN_CENTRAL, new PrintStream(OutputStream.nullOutputStream())),
                new SystemProcessRunner());
        return new BinariesResolver(new SystemProcessRunner(), embedded, env, systemRoot);
    }

    @Test
    void findsTheInstalledServerResolveWouldPick() {
        var found = resolver(Map.of(), TestPostgres.DEBIAN_15.getParent().getParent())
                .findInstalled(BinariesRequest.any());
        assertThat(found).isPresent();
        assertThat(found.get().version().major()).isEqualTo(15);
        assertThat(found.get().source()).isEqualTo(BinarySource.SYSTEM);
    }

    @Test
    void isEmptyAndDownloadsNothingWhenOnlyEmbeddedBinariesWouldDo() throws IOException {
        Path emptyRoot = Files.createDirectories(dir.resolve("no-postgresql"));
        assertThat(resolver(Map.of(), emptyRoot).findInstalled(BinariesRequest.any())).isEmpty();
        assertThat(dir.resolve("cache")).doesNotExist();
    }
}
