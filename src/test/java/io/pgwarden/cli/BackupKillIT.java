package io.pgwarden.cli;

import static io.pgwarden.cli.BackupRestoreIT.serverOwned;
import static io.pgwarden.cli.BackupRestoreIT.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgwarden.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** kill -9 of 'pgwarden backup create' mid-copy leaves no complete-looking backup, and the next run succeeds. */
class BackupKillIT {
    @Test
    void aKilledBackupIsIncompleteAndTheNextRunSucceeds() throws Exception {
        Path base = serverOwned(Files.createTempDirectory("pgwarden-backup-kill-"));
        Path repo = serverOwned(Files.createDirectory(base.resolve("repo")));
        try (TestPostgres pg = TestPostgres.start(TestPostgres.DEBIAN_15, Map.of())) {
            // about 150 MB, copied with gzip by one thread: seconds of copying to be killed in
            pg.execute("CREATE TABLE big AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS pad"
                    + " FROM generate_series(1, 1500000) g");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    Path.of(System.getProperty("pgwarden.jar", "target/pgwarden.jar")).toAbsolutePath().toString(),
                    "backup", "create", "--repo", repo.toString(), "--url", url(pg.port()), "--compress", "gzip",
                    "--parallel", "1").redirectErrorStream(true).redirectOutput(base.resolve("create.log").toFile()).start();
            // the largest file (the table) is copied first: kill as soon as its first object is committed
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                    .until(() -> committedObjects(repo) > 0 || !p.isAlive());
            assertThat(p.isAlive()).as("backup create still copying when killed; its output: %s",
                    Files.readString(base.resolve("create.log"))).isTrue();
            p.destroyForcibly().waitFor();

            CliRun list = CliRun.of(Map.of(), "backup", "list", "--repo", repo.toString());
            assertThat(list.out()).contains("incomplete (no manifest").contains("recoverable window: none");
            CliRun restore = CliRun.of(Map.of(), "restore", "--repo", repo.toString(), "--data-dir",
                    base.resolve("r").toString());
            assertThat(restore.exitCode()).isEqualTo(21);
            assertThat(restore.err()).contains("no complete backup in " + repo);
            assertThat(base.resolve("r")).doesNotExist();

            CliRun again = CliRun.of(Map.of(), "backup", "create", "--repo", repo.toString(), "--url", url(pg.port()),
                    "--keep");
            assertThat(again.exitCode()).as(again.err()).isZero();
            assertThat(again.out()).endsWith("archived; marked keep\n");
            assertThat(CliRun.of(Map.of(), "backup", "list", "--repo", repo.toString()).out()).contains("complete, keep");
            CliRun verify = CliRun.of(Map.of(), "backup", "verify", "--repo", repo.toString());
            assertThat(verify.exitCode()).as(verify.err()).isZero();
            assertThat(verify.out()).startsWith("verified: 1 backup(s)");
        } finally {
            TestPostgresCleanup.delete(base);
        }
    }

    private static long committedObjects(Path repo) throws Exception {
        Path backups = repo.resolve("backups");
        if (!Files.isDirectory(backups)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(backups)) {
            List<Path> files = s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().contains(".tmp-")).toList();
            return files.size();
        }
    }
}
