package io.pgwarden.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.testing.TestS3;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The repository contract on a directory and on a real S3 API (s3proxy): atomic writes, listing, WAL push/fetch. */
class RepositoryContractIT {
    private static TestS3 s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = TestS3.start("contract");
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    static Stream<Arguments> repositories() throws IOException {
        return Stream.of(
                Arguments.of("directory", new DirectoryRepository(Files.createTempDirectory("pgwarden-repo-"))),
                Arguments.of("s3", Repositories.open("s3://contract/p" + System.nanoTime(), "--repo", s3.env())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("repositories")
    void anUncommittedWriterLeavesNothingAndACommittedOneIsListed(String kind, BackupRepository repo) throws IOException {
        try (BackupRepository.ObjectWriter w = repo.writer("backups/a/manifest.json")) {
            w.write("half".getBytes(StandardCharsets.UTF_8));
        } // closed without commit: a crash mid-write
        assertThat(repo.stat("backups/a/manifest.json")).isEmpty();
        assertThat(repo.list("backups/")).isEmpty();

        repo.put("backups/a/manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
        repo.put("backups/b/data/x", new byte[3]);
        assertThat(repo.list("backups/")).extracting(BackupRepository.ObjectInfo::key)
                .containsExactly("backups/a/manifest.json", "backups/b/data/x");
        assertThat(repo.list("backups/b")).extracting(BackupRepository.ObjectInfo::size).containsExactly(3L);
        assertThat(new String(repo.readAll("backups/a/manifest.json"), StandardCharsets.UTF_8)).isEqualTo("{}");
        repo.delete("backups/a/manifest.json");
        assertThatThrownBy(() -> repo.read("backups/a/manifest.json")).isInstanceOf(NoSuchFileException.class);
        repo.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("repositories")
    void walPushIsIdempotentForTheSameContentAndRefusesOtherContent(String kind, BackupRepository repo) throws IOException {
        for (Compression c : Compression.values()) {
            Path dir = Files.createTempDirectory("pgwarden-wal-");
            String name = String.format("%08X%016X", 1, c.ordinal() + 1);
            Path seg = dir.resolve(name);
            byte[] content = new byte[WalNames.SEGMENT_SIZE > 0 ? 1 << 20 : 0];
            new java.util.Random(c.ordinal()).nextBytes(content);
            Files.write(seg, content);
            WalArchive archive = new WalArchive(repo, c);

            assertThat(archive.push(seg).outcome()).isEqualTo(WalArchive.PushOutcome.ARCHIVED);
            assertThat(archive.push(seg).outcome()).as("the same content again").isEqualTo(WalArchive.PushOutcome.ALREADY_ARCHIVED);
            assertThat(archive.find(name)).contains("wal/00000001/" + name + c.suffix());

            Path back = dir.resolve("RECOVERYXLOG");
            assertThat(archive.fetch(name, back)).isTrue();
            assertThat(Files.readAllBytes(back)).isEqualTo(content);

            content[100] ^= 1;
            Files.write(seg, content);
            assertThatThrownBy(() -> archive.push(seg)).isInstanceOf(PgWardenException.class)
                    .hasMessageContaining("WAL file " + name + " is already archived in")
                    .hasMessageContaining("with DIFFERENT content").hasMessageContaining("Nothing was overwritten")
                    .satisfies(e -> assertThat(((PgWardenException) e).code()).isEqualTo(ErrorCode.WAL_CONFLICT));
        }
        WalArchive archive = new WalArchive(repo, Compression.ZSTD);
        assertThat(archive.fetch("0000000100000000000000FF", Files.createTempFile("x", "y"))).isFalse();
        assertThat(archive.names()).hasSize(Compression.values().length);
        repo.close();
    }

    @org.junit.jupiter.api.Test
    void aLocationThatIsNeitherADirectoryNorS3IsRefusedNamingTheFlag() {
        assertThatThrownBy(() -> Repositories.open("ftp://x/y", "--repo", Map.of()))
                .hasMessage("--repo=ftp://x/y: expected a directory path or s3://bucket/prefix");
        assertThatThrownBy(() -> Repositories.open("s3://Bad_Bucket/x", "PGWARDEN_BACKUP_REPO", Map.of()))
                .hasMessageStartingWith("PGWARDEN_BACKUP_REPO=s3://Bad_Bucket/x: 'Bad_Bucket' is not an S3 bucket name");
    }
}
