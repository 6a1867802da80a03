package io.pgwarden.cli;

import static io.pgwarden.cli.BackupRestoreIT.pgwarden;
import static io.pgwarden.cli.BackupRestoreIT.serverOwned;
import static io.pgwarden.cli.BackupRestoreIT.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgwarden.backup.DirectoryRepository;
import io.pgwarden.backup.WalArchive;
import io.pgwarden.testing.RestoredServer;
import io.pgwarden.testing.TestPostgres;
import io.pgwarden.testing.TestS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backups on the embedded PostgreSQL 18 (server programs only): an idle server's backup into S3 (s3proxy) without
 * any WAL archiving is restorable at once, and a restore across a promotion (timeline switch) follows
 * {@code --target-timeline latest} or stays on an explicit older timeline.
 */
class EmbeddedBackupIT {
    private static Path base;
    private static Path repo;
    private static TestPostgres pg;
    private static TestS3 s3;
    private static Path bin;

    @BeforeAll
    static void start() throws Exception {
        base = serverOwned(Files.createTempDirectory("pgwarden-backup-emb-"));
        repo = serverOwned(Files.createDirectory(base.resolve("repo")));
        bin = TestPostgres.embedded(18);
        pg = TestPostgres.start(bin, Map.of("archive_mode", "on", "archive_command",
                pgwarden() + " wal push --repo " + repo + " %p"));
        pg.execute("CREATE TABLE ledger (id int PRIMARY KEY, note text)");
        pg.execute("INSERT INTO ledger SELECT g, 'base' FROM generate_series(1, 100) g");
        s3 = TestS3.start("backups");
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
        TestPostgresCleanup.delete(base);
        if (s3 != null) {
            s3.close();
        }
    }

    private static String one(String sql) throws Exception {
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    private static RestoredServer started(Path dir, boolean archive) {
        RestoredServer.Start s = RestoredServer.start(bin, dir, archive);
        assertThat(s.server()).as("pg_ctl start: %s%n%s", s.result().tail(5), s.log()).isNotNull();
        await().atMost(Duration.ofSeconds(90)).until(() -> !s.server().inRecovery());
        return s.server();
    }

    private static void awaitArchived(Path repository, String segment) throws Exception {
        WalArchive archive = new WalArchive(new DirectoryRepository(repository), null);
        await().atMost(Duration.ofSeconds(60)).until(() -> archive.find(segment).isPresent());
    }

    @Test
    void anIdleServersBackupIntoS3WithoutArchivingIsRestorableAtOnce() throws Exception {
        Map<String, String> env = s3.env();
        String location = "s3://backups/idle";
        CliRun b = CliRun.of(env, "backup", "create", "--repo", location, "--url", url(pg.port()), "--compress", "lz4");
        assertThat(b.exitCode()).as(b.err()).isZero();
        assertThat(b.out()).contains("complete in " + location);
        String awsEnv = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted()
                .collect(Collectors.joining(" "));
        Path dir = base.resolve("from-s3");
        CliRun r = CliRun.of(env, "restore", "--repo", location, "--data-dir", dir.toString(), "--target", "immediate",
                "--pgwarden-command", "env " + awsEnv + " " + pgwarden());
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (RestoredServer s = started(dir, false)) {
            assertThat(s.column("SELECT count(*) FROM ledger WHERE note = 'base'")).containsExactly("100");
            s.execute("CREATE EXTENSION amcheck");
            assertThat(s.column("SELECT count(*) FROM (SELECT bt_index_check(c.oid) FROM pg_index i JOIN pg_class c"
                    + " ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree') x")).hasSize(1);
        }
    }

    @Test
    void restoreAcrossATimelineSwitchFollowsLatestOrStaysOnAnOlderTimeline() throws Exception {
        CliRun b = CliRun.of(Map.of(), "backup", "create", "--repo", repo.toString(), "--url", url(pg.port()));
        assertThat(b.exitCode()).as(b.err()).isZero();
        pg.execute("INSERT INTO ledger VALUES (1001, 'timeline 1')");
        awaitArchived(repo, one("SELECT pg_walfile_name(pg_switch_wal())"));

        // a restore that is promoted and archives into the same repository: timeline 2
        Path promoted = base.resolve("promoted");
        assertThat(CliRun.of(Map.of(), "restore", "--repo", repo.toString(), "--data-dir", promoted.toString(),
                "--pgwarden-command", pgwarden()).exitCode()).isZero();
        try (RestoredServer s = started(promoted, true)) {
            assertThat(s.column("SELECT timeline_id FROM pg_control_checkpoint()")).containsExactly("2");
            s.execute("INSERT INTO ledger VALUES (2001, 'timeline 2')");
            String seg = s.column("SELECT pg_walfile_name(pg_switch_wal())").get(0);
            assertThat(seg).startsWith("00000002");
            awaitArchived(repo, seg);
        }
        assertThat(repo.resolve("wal/00000002/00000002.history")).exists();

        Path latest = base.resolve("latest");
        assertThat(CliRun.of(Map.of(), "restore", "--repo", repo.toString(), "--data-dir", latest.toString(),
                "--pgwarden-command", pgwarden(), "--target-timeline", "latest").exitCode()).isZero();
        try (RestoredServer s = started(latest, false)) {
            assertThat(s.column("SELECT note FROM ledger WHERE id > 1000 ORDER BY id")).containsExactly("timeline 1", "timeline 2");
        }
        Path one = base.resolve("timeline-1");
        CliRun r = CliRun.of(Map.of(), "restore", "--repo", repo.toString(), "--data-dir", one.toString(),
                "--pgwarden-command", pgwarden(), "--target-timeline", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (RestoredServer s = started(one, false)) {
            assertThat(s.column("SELECT note FROM ledger WHERE id > 1000 ORDER BY id")).containsExactly("timeline 1");
        }
    }
}
