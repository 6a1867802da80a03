package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgwarden.backup.DirectoryRepository;
import io.pgwarden.backup.WalArchive;
import io.pgwarden.pg.Privileges;
import io.pgwarden.testing.RestoredServer;
import io.pgwarden.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backup, WAL archiving and point-in-time recovery end to end through the CLI, on Debian's PostgreSQL 15: one
 * archiving server and one base backup shared by the tests, each restore into its own directory, started on its
 * own port.
 */
class BackupRestoreIT {
    private static final Map<String, String> ENV = Map.of();
    private static Path base;
    private static Path repo;
    private static TestPostgres pg;
    private static String backupId;
    private static String stopWal;

    @BeforeAll
    static void startArchivingServerAndBackUp() throws Exception {
        base = serverOwned(Files.createTempDirectory("pgwarden-backup-it-"));
        repo = serverOwned(Files.createDirectory(base.resolve("repo")));
        pg = TestPostgres.start(TestPostgres.DEBIAN_15, Map.of("archive_mode", "on", "archive_command",
                pgwarden() + " wal push --repo " + repo + " %p"));
        pg.execute("CREATE TABLE ledger (id int PRIMARY KEY, note text)");
        pg.execute("INSERT INTO ledger SELECT g, 'before backup' FROM generate_series(1, 1000) g");
        CliRun r = CliRun.of(ENV, "backup", "create", "--repo", repo.toString(), "--url", url(pg.port()), "--parallel", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("backup \\S+ complete in " + repo + ": \\d+ files");
        assertThat(r.err()).as("page checksums of a healthy cluster").doesNotContain("failed their checksum");
        backupId = r.out().split(" ")[1];
        stopWal = r.out().replaceAll("(?s).* to (\\S+) archived.*", "$1");
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
        TestPostgresCleanup.delete(base);
    }

    /** The jar failsafe runs after packaging; PostgreSQL runs it as archive_command and restore_command. */
    static String pgwarden() {
        return Path.of(System.getProperty("java.home"), "bin", "java") + " -jar "
                + Path.of(System.getProperty("pgwarden.jar", "target/pgwarden.jar")).toAbsolutePath();
    }

    static String url(int port) {
        return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
    }

    static Path serverOwned(Path p) throws IOException {
        if (Privileges.detect(null).isRoot()) {
            Files.setOwner(p, p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
        }
        return p;
    }

    private static String one(String sql) throws Exception {
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    /** Switches to a new segment and waits until the archiver stored the one just finished. */
    private static void archiveCurrentSegment() throws Exception {
        String seg = one("SELECT pg_walfile_name(pg_switch_wal())");
        WalArchive archive = new WalArchive(new DirectoryRepository(repo), null);
        await().atMost(Duration.ofSeconds(60)).until(() -> archive.find(seg).isPresent());
    }

    private static CliRun restore(Path dir, String... target) {
        String[] args = new String[7 + target.length];
        System.arraycopy(new String[] {"restore", "--repo", repo.toString(), "--data-dir", dir.toString(),
                "--pgwarden-command", pgwarden()}, 0, args, 0, 7);
        System.arraycopy(target, 0, args, 7, target.length);
        return CliRun.of(ENV, args);
    }

    private static RestoredServer startPromoted(Path dir) {
        RestoredServer.Start s = RestoredServer.start(TestPostgres.DEBIAN_15, dir, false);
        assertThat(s.server()).as("pg_ctl start: %s%n%s", s.result().tail(5), s.log()).isNotNull();
        await().atMost(Duration.ofSeconds(90)).until(() -> !s.server().inRecovery());
        return s.server();
    }

    @Test
    void pointInTimeRecoveryToATimeBetweenTwoCommitsKeepsExactlyTheFirst() throws Exception {
        pg.execute("INSERT INTO ledger VALUES (2001, 'first')");
        String between = one("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
        await().atMost(Duration.ofSeconds(5)).until(() -> !one("SELECT clock_timestamp() AT TIME ZONE 'UTC' > '"
                + between.replace("T", " ").replace("Z", "") + "'::timestamp").equals("f"));
        pg.execute("INSERT INTO ledger VALUES (2002, 'second')");
        archiveCurrentSegment();

        Path dir = base.resolve("pitr-time");
        CliRun r = restore(dir, "--target-time", between);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("restored backup " + backupId + " into " + dir)
                .contains("to recover to time " + between + ", then promote");
        try (RestoredServer s = startPromoted(dir)) {
            assertThat(s.column("SELECT note FROM ledger WHERE id IN (2001, 2002) ORDER BY id")).containsExactly("first");
            assertThat(s.column("SELECT count(*) FROM ledger WHERE id <= 1000")).containsExactly("1000");
        }
    }

    @Test
    void xidLsnNameAndImmediateTargets() throws Exception {
        String xid = one("WITH i AS (INSERT INTO ledger VALUES (3001, 'xid target') RETURNING id)"
                + " SELECT txid_current()::text FROM i");
        pg.execute("INSERT INTO ledger VALUES (3002, 'after xid')");
        String lsn = one("SELECT pg_current_wal_insert_lsn()::text");
        pg.execute("INSERT INTO ledger VALUES (3003, 'after lsn')");
        pg.execute("SELECT pg_create_restore_point('before-3004')");
        pg.execute("INSERT INTO ledger VALUES (3004, 'after name')");
        archiveCurrentSegment();

        Path byXid = base.resolve("pitr-xid");
        assertThat(restore(byXid, "--target-xid", xid).exitCode()).isZero();
        try (RestoredServer s = startPromoted(byXid)) {
            assertThat(s.column("SELECT id FROM ledger WHERE id BETWEEN 3001 AND 3004 ORDER BY id")).containsExactly("3001");
        }
        Path byLsn = base.resolve("pitr-lsn");
        assertThat(restore(byLsn, "--target-lsn", lsn).exitCode()).isZero();
        try (RestoredServer s = startPromoted(byLsn)) {
            assertThat(s.column("SELECT id FROM ledger WHERE id BETWEEN 3001 AND 3004 ORDER BY id")).containsExactly("3001", "3002");
        }
        Path byName = base.resolve("pitr-name");
        assertThat(restore(byName, "--target-name", "before-3004").exitCode()).isZero();
        try (RestoredServer s = startPromoted(byName)) {
            assertThat(s.column("SELECT id FROM ledger WHERE id BETWEEN 3001 AND 3004 ORDER BY id")).containsExactly("3001", "3002", "3003");
        }
        Path immediate = base.resolve("pitr-immediate");
        assertThat(restore(immediate, "--target", "immediate").exitCode()).isZero();
        try (RestoredServer s = startPromoted(immediate)) {
            assertThat(s.column("SELECT count(*) FROM ledger")).containsExactly("1000");
        }
    }

    @Test
    void restoreRefusesANonEmptyDirectoryAndAnUnreachableTargetBeforeWritingAnything() throws Exception {
        Path full = Files.createDirectories(base.resolve("not-empty"));
        Files.writeString(full.resolve("keep-me"), "x");
        CliRun r = restore(full);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("restore refused, nothing was written: --data-dir " + full + " is not empty (keep-me, ...)");
        try (var files = Files.list(full)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("keep-me");
        }

        Path future = base.resolve("future");
        CliRun f = restore(future, "--target-time", "2999-01-01T00:00:00Z");
        assertThat(f.exitCode()).isEqualTo(22);
        assertThat(f.err()).contains("restore refused, nothing was written: --target-time 2999-01-01T00:00:00Z is after the"
                + " last archived WAL");
        assertThat(future).doesNotExist();

        CliRun lsn = restore(future, "--target-lsn", "FF/0");
        assertThat(lsn.exitCode()).isEqualTo(22);
        assertThat(lsn.err()).contains("--target-lsn FF/0 is beyond the archived WAL");
        assertThat(future).doesNotExist();

        CliRun two = restore(future, "--target-lsn", "0/1", "--target", "immediate");
        assertThat(two.exitCode()).isEqualTo(2);
        assertThat(two.err()).contains("--target-lsn, --target: give at most one recovery target");
    }

    @Test
    void listShowsTheCompleteBackupAndTheRecoverableWindow() {
        CliRun text = CliRun.of(ENV, "backup", "list", "--repo", repo.toString());
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).containsPattern(backupId + "  complete  \\S+ \\S+ \\(")
                .containsPattern("recoverable window: \\S+ \\(\\S+\\) to \\S+ \\(\\S+\\)");
        CliRun json = CliRun.of(ENV, "backup", "info", "--repo", repo.toString(), "--backup", backupId, "--format", "json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"id\" : \"" + backupId + "\"", "\"status\" : \"complete\"", "\"restorable\" : true",
                "\"recoverableWindow\"");
        CliRun missing = CliRun.of(ENV, "backup", "info", "--repo", repo.toString(), "--backup", "nope");
        assertThat(missing.exitCode()).isEqualTo(21);
    }

    @Test
    void walPushOfTheSameContentSucceedsAndOfOtherContentIsRefused() throws Exception {
        Path dir = Files.createTempDirectory("pgwarden-walpush-");
        Path seg = dir.resolve("0000000900000000000000AA");
        Files.write(seg, new byte[] {1, 2, 3});
        assertThat(CliRun.of(ENV, "wal", "push", "--repo", repo.toString(), seg.toString()).out())
                .startsWith("archived 0000000900000000000000AA as wal/00000009/0000000900000000000000AA.zst");
        CliRun again = CliRun.of(ENV, "wal", "push", "--repo", repo.toString(), seg.toString());
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).startsWith("already archived (same content) 0000000900000000000000AA");
        Files.write(seg, new byte[] {1, 2, 4});
        CliRun conflict = CliRun.of(ENV, "wal", "push", "--repo", repo.toString(), seg.toString());
        assertThat(conflict.exitCode()).isEqualTo(20);
        assertThat(conflict.err()).contains("with DIFFERENT content");
        CliRun fetch = CliRun.of(ENV, "wal", "fetch", "--repo", repo.toString(), "0000000900000000000000AB", dir.resolve("x").toString());
        assertThat(fetch.exitCode()).isEqualTo(21);
    }

    private static Path copyOfRepo(String name) throws IOException {
        Path copy = serverOwned(Files.createDirectory(base.resolve(name)));
        try (var files = Files.walk(repo)) {
            for (Path p : files.toList()) {
                Path to = copy.resolve(repo.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else if (!p.getFileName().toString().contains(".tmp-")) {
                    Files.copy(p, to);
                }
            }
        }
        return copy;
    }

    @Test
    void verifyNamesAFlippedByteAndAMissingWalSegmentWithWhatTheyCost() throws Exception {
        for (int i = 0; i < 2; i++) {
            pg.execute("INSERT INTO ledger VALUES (" + (5001 + i) + ", 'verify')");
            archiveCurrentSegment();
        }
        Path copy = copyOfRepo("verify-repo");
        CliRun ok = CliRun.of(ENV, "backup", "verify", "--repo", copy.toString(), "--backup", backupId);
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).startsWith("verified: 1 backup(s) (" + backupId + "), ");

        Path control = copy.resolve("backups/" + backupId + "/data/global/pg_control.zst");
        byte[] bytes = Files.readAllBytes(control);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(control, bytes);
        String stop = io.pgwarden.backup.WalNames.segmentName(1, io.pgwarden.backup.WalNames.segmentNumber(stopWal) + 1);
        Files.delete(copy.resolve("wal/00000001/" + stop + ".zst"));
        CliRun bad = CliRun.of(ENV, "backup", "verify", "--repo", copy.toString());
        assertThat(bad.exitCode()).isEqualTo(22);
        assertThat(bad.err()).contains("damaged: backups/" + backupId + "/data/global/pg_control.zst: damaged")
                .contains("backup " + backupId + " cannot be restored")
                .contains("wal/00000001/" + stop + ": missing");
        assertThat(bad.out()).startsWith("NOT verified: ");
    }

    @Test
    void expireKeepsWhatAKeptBackupNeedsAndItsDryRunMatchesTheRealRun() throws Exception {
        Path copy = copyOfRepo("expire-repo");
        CliRun second = CliRun.of(ENV, "backup", "create", "--repo", copy.toString(), "--url", url(pg.port()));
        assertThat(second.exitCode()).as(second.err()).isZero();
        String secondId = second.out().split(" ")[1];

        CliRun dry = CliRun.of(ENV, "backup", "expire", "--repo", copy.toString(), "--keep-full", "1", "--dry-run");
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("would delete backup " + backupId).contains("would delete WAL ");
        assertThat(copy.resolve("backups/" + backupId + "/manifest.json")).exists();
        CliRun real = CliRun.of(ENV, "backup", "expire", "--repo", copy.toString(), "--keep-full", "1");
        assertThat(real.out()).isEqualTo(dry.out().replace("would delete", "deleted").replace("dry run: ", ""));
        assertThat(copy.resolve("backups/" + backupId)).doesNotExist();
        CliRun verify = CliRun.of(ENV, "backup", "verify", "--repo", copy.toString());
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).startsWith("verified: 1 backup(s) (" + secondId + ")");

        // a backup marked keep survives retention with the WAL it needs
        Path marked = copyOfRepo("keep-repo");
        assertThat(CliRun.of(ENV, "backup", "keep", "--repo", marked.toString(), backupId).out()).startsWith("kept " + backupId);
        assertThat(CliRun.of(ENV, "backup", "create", "--repo", marked.toString(), "--url", url(pg.port())).exitCode()).isZero();
        CliRun keep = CliRun.of(ENV, "backup", "expire", "--repo", marked.toString(), "--keep-full", "1");
        assertThat(keep.out()).doesNotContain("backup " + backupId).contains("kept 2 backup(s)");
        CliRun both = CliRun.of(ENV, "backup", "verify", "--repo", marked.toString(), "--backup", backupId);
        assertThat(both.exitCode()).as(both.err()).isZero();
    }

    @Test
    void dumpNeverOverwritesAndLoadNeedsYesWithoutATerminal() throws Exception {
        pg.execute("CREATE DATABASE dumped");
        pg.execute("CREATE DATABASE loaded");
        io.pgwarden.pg.ConnectionSpec src = pg.spec().withDatabase("dumped");
        try (Connection c = io.pgwarden.pg.PgConnections.open(src); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 42) g");
        }
        Path file = base.resolve("dumped.dump");
        CliRun d = CliRun.of(ENV, "dump", "--url", url(pg.port()), "--database", "dumped", "--out", file.toString());
        assertThat(d.exitCode()).as(d.err()).isZero();
        assertThat(d.out()).startsWith("dumped postgresql://postgres@127.0.0.1:" + pg.port() + "/dumped into " + file)
                .contains("checked with pg_restore --list");
        long size = Files.size(file);
        CliRun again = CliRun.of(ENV, "dump", "--url", url(pg.port()), "--database", "dumped", "--out", file.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("--out " + file + " already exists; pgwarden never overwrites a dump");
        assertThat(Files.size(file)).isEqualTo(size);

        CliRun noTerminal = CliRun.of(ENV, "load", "--url", url(pg.port()), "--database", "loaded", "--in", file.toString());
        assertThat(noTerminal.exitCode()).isEqualTo(2);
        assertThat(noTerminal.err()).contains("there is no terminal to confirm on: pass --yes");
        CliRun load = CliRun.of(ENV, "load", "--url", url(pg.port()), "--database", "loaded", "--in", file.toString(), "--yes");
        assertThat(load.exitCode()).as(load.err()).isZero();
        try (Connection c = io.pgwarden.pg.PgConnections.open(pg.spec().withDatabase("loaded")); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }

        CliRun serverOnly = CliRun.of(ENV, "dump", "--url", url(pg.port()), "--out", base.resolve("x.dump").toString(),
                "--pg-bin", TestPostgres.embedded(18).toString());
        assertThat(serverOnly.exitCode()).isEqualTo(8);
        assertThat(serverOnly.err()).contains("pg_dump is not in " + TestPostgres.embedded(18))
                .contains("the embedded server-only binaries lack");
    }

    @Test
    void deltaRewritesOnlyTheFilesThatDifferAndRemovesExtraOnes() throws Exception {
        Path dir = base.resolve("delta");
        assertThat(restore(dir, "--target", "immediate").exitCode()).isZero();
        Path changed = dir.resolve("PG_VERSION");
        String version = Files.readString(changed);
        Files.writeString(changed, "99\n");
        Files.writeString(dir.resolve("stray-file"), "not in the backup");
        CliRun delta = restore(dir, "--target", "immediate", "--delta");
        assertThat(delta.exitCode()).as(delta.err()).isZero();
        // PG_VERSION, and postgresql.auto.conf, which the first restore extended with the recovery settings
        assertThat(delta.out()).containsPattern("restored backup " + backupId + " into " + dir
                + ": 2 files written \\(.*\\), \\d+ unchanged, 1 removed");
        assertThat(Files.readString(changed)).isEqualTo(version);
        assertThat(dir.resolve("stray-file")).doesNotExist();
        try (RestoredServer s = startPromoted(dir)) {
            assertThat(s.column("SELECT count(*) FROM ledger WHERE id <= 1000")).containsExactly("1000");
        }
    }

    @Test
    void restoreDrillRecoversChecksIndexesAndReportsTheTimeToRecover() {
        CliRun drill = CliRun.of(ENV, "backup", "verify", "--repo", repo.toString(), "--backup", backupId, "--restore-drill",
                "--pgwarden-command", pgwarden());
        assertThat(drill.exitCode()).as(drill.err()).isZero();
        assertThat(drill.out()).containsPattern("restore drill of backup " + backupId + ": recovered and accepting writes"
                + " after \\S+ \\(RTO\\) at WAL \\S+; amcheck clean on [1-9]\\d* B-tree indexes");
    }
}
