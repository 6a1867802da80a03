package io.pgwarden.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.Clock;
import io.pgwarden.core.PgVersion;
import io.pgwarden.pg.BinarySource;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.SystemProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What may be cloned into, which strategy is chosen, and what the local copy leaves out. */
class CloneTargetTest {
    @TempDir
    Path dir;

    @Test
    void onlyMissingOrEmptyDirectoriesReceiveAClone() throws Exception {
        ReplicaCloner.checkTarget(dir.resolve("new"));
        ReplicaCloner.checkTarget(Files.createDirectories(dir.resolve("empty")));

        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("PG_VERSION"), "15\n");
        assertThatThrownBy(() -> ReplicaCloner.checkTarget(data)).hasMessage("--data-dir=" + data + ": already holds a"
                + " PostgreSQL 15 data directory; pgwarden will not clone a replica over it. Start it as it is with"
                + " 'pgwarden up', turn a former primary into a replica with 'pgwarden rejoin --primary HOST:PORT', or"
                + " choose a new or empty directory.");
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> ReplicaCloner.checkTarget(file)).hasMessage("--data-dir=" + file
                + ": this is a file, not a directory; choose a new or empty directory for the replica.");
    }

    @Test
    void unprivilegedAnEmptyTargetOwnedBySomeoneElseIsRefusedBeforeAnythingIsCopied() throws Exception {
        Path volume = Files.createDirectories(dir.resolve("volume"));
        long owner = ((Number) Files.getAttribute(volume, "unix:uid")).longValue();
        String ownerName = Files.getOwner(volume).getName();
        Privileges app = new Privileges(false, "postgres", owner + 4242, "app");
        PgBinaries binaries = new PgBinaries(dir.resolve("bin"), new PgVersion(15), "15.8", BinarySource.SYSTEM, "test");
        ReplicaCloner cloner = new ReplicaCloner(new SystemProcessRunner(), new ServerFiles(app), binaries, Clock.SYSTEM);
        // nothing listens on port 1: the check must come before any connection to the primary
        CloneRequest request = new CloneRequest(volume, io.pgwarden.pg.ConnectionSpec.fromEnv(java.util.Map.of())
                .withHostPort("127.0.0.1", 1), new Upstream("127.0.0.1", 1, "replicator", "node_b", "node-b"), "pw", null);
        assertThatThrownBy(() -> cloner.clone(request, CloneMethod.AUTO, line -> { }))
                .hasMessageStartingWith("--data-dir=" + volume + ": the directory is owned by " + ownerName + " (uid "
                        + owner + "), but pgwarden runs as 'app' (uid " + (owner + 4242) + "), not root,");
        try (Stream<Path> left = Files.list(volume)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void autoPicksPgBasebackupWhenPresentAndBaseBackupWithoutItIsRefused() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        PgBinaries serverOnly = new PgBinaries(bin, new PgVersion(18), "18.1", BinarySource.EMBEDDED, "embedded test");
        ReplicaCloner cloner = new ReplicaCloner(new SystemProcessRunner(), new ServerFiles(Privileges.detect(null)),
                serverOnly, Clock.SYSTEM);
        assertThat(cloner.choose(CloneMethod.AUTO).method()).isEqualTo(CloneMethod.LOCAL_COPY);
        assertThatThrownBy(() -> cloner.choose(CloneMethod.BASE_BACKUP)).hasMessage("--clone-method=base-backup: there is"
                + " no pg_basebackup in " + bin + " (embedded test). Use --pg-bin with a full installation, or"
                + " --clone-method=local-copy when the primary runs on this machine.");

        Path tool = Files.writeString(bin.resolve("pg_basebackup"), "#!/bin/sh\n");
        tool.toFile().setExecutable(true);
        assertThat(cloner.choose(CloneMethod.AUTO).method()).isEqualTo(CloneMethod.BASE_BACKUP);
        assertThat(cloner.choose(CloneMethod.LOCAL_COPY).method()).isEqualTo(CloneMethod.LOCAL_COPY);
    }

    @Test
    void theLocalCopyLeavesOutWhatTheDocumentationExcludes() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        for (String d : new String[] {"base/1", "global", "pg_wal/archive_status", "pg_replslot/node_b", "pg_stat_tmp",
                "pg_tblspc", "log", "pg_subtrans"}) {
            Files.createDirectories(src.resolve(d));
        }
        for (String f : new String[] {"PG_VERSION", "base/1/1259", "base/1/pg_internal.init", "base/1/pgsql_tmp123",
                "global/pg_control", "pg_wal/000000010000000000000001", "pg_replslot/node_b/state", "pg_stat_tmp/x",
                "log/postgresql.log", "postmaster.pid", "postmaster.opts", "backup_label", ".s.PGSQL.5432.lock",
                "pgwarden.conf", "pg_subtrans/0000"}) {
            Files.writeString(src.resolve(f), "data of " + f);
        }
        Path target = Files.createDirectories(dir.resolve("target"));
        long bytes = new DataDirCopier(new ServerFiles(Privileges.detect(null)), Clock.SYSTEM).copy(src, target, line -> { });

        try (Stream<Path> s = Files.walk(target)) {
            assertThat(s.filter(p -> !p.equals(target)).map(p -> target.relativize(p).toString()).sorted())
                    .containsExactly("PG_VERSION", "base", "base/1", "base/1/1259", "global", "global/pg_control", "log",
                            "pg_replslot", "pg_stat_tmp", "pg_subtrans", "pg_tblspc", "pg_wal", "pg_wal/archive_status",
                            "pgwarden.conf");
        }
        assertThat(bytes).isEqualTo(Stream.of("PG_VERSION", "base/1/1259", "global/pg_control", "pgwarden.conf")
                .mapToLong(f -> ("data of " + f).length()).sum());
        assertThat(Files.readString(target.resolve("global/pg_control"))).isEqualTo("data of global/pg_control");
    }
}
