package io.pgwarden.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * Streaming replicas on real servers started by the instance code: a pg_basebackup clone on Debian 15
 * that follows its primary, is promoted, and whose former primary rejoins it with pg_rewind and then with
 * a fresh clone; and, with the server-only embedded 18 binaries, the local-copy clone (low-level backup API)
 * and a rejoin that cannot use pg_rewind and clones by local copy from the promoted replica.
 */
class ReplicaIT {
    private static final String ROLE = Upstream.DEFAULT_ROLE;

    @Test
    void cloneFollowPromoteAndRejoinOnDebian15() throws Exception {
        try (ReplicaNodes nodes = new ReplicaNodes(15)) {
            // pg_rewind reads the old primary's WAL back to the last common checkpoint: keep it (see docs/replicas.md)
            ReplicaNodes.Node a = nodes.start(nodes.config("node-a").withSettings(java.util.Map.of("wal_keep_size", "256MB")));
            Path aDir = a.config().dataDir();
            ConnectionSpec aSpec = nodes.superuser(a, aDir);
            ReplicaNodes.execute(aSpec, "CREATE TABLE t (v text)");
            ReplicaNodes.execute(aSpec, "INSERT INTO t VALUES ('before clone')");

            InstanceConfig bConfig = nodes.config("node-b");
            Upstream toA = new Upstream("127.0.0.1", a.port(), ROLE, Upstream.slotFor("node-b"), "node-b");
            Path passwordFile = nodes.fx.base.resolve("replication.password");
            String password = ReplicationPassword.resolve(nodes.files, passwordFile, null, ROLE);
            ReplicaCloner.Result cloned = nodes.cloner().clone(new CloneRequest(bConfig.dataDir(), aSpec, toA, password, null),
                    CloneMethod.AUTO, nodes.progress::add);

            assertThat(cloned.method()).isEqualTo(CloneMethod.BASE_BACKUP);
            assertThat(cloned.reason()).isEqualTo("pg_basebackup is available in /usr/lib/postgresql/15/bin");
            assertThat(nodes.progress).anyMatch(l -> l.matches("\\d+/\\d+ kB \\(100%\\), 1/1 tablespace"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
            Path passfile = bConfig.dataDir().resolve(StandbyConfig.PASSFILE);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passfile))).isEqualTo("rw-------");
            assertThat(Files.readString(passfile)).isEqualTo("127.0.0.1:" + a.port() + ":*:replicator:" + password + "\n");
            assertThat(bConfig.dataDir().resolve("standby.signal")).exists();
            assertThat(Files.readString(bConfig.dataDir().resolve("pgwarden.conf")))
                    .contains("primary_conninfo = 'host=''127.0.0.1'' port=" + a.port() + " user=''replicator'' passfile=''"
                            + passfile + "'' application_name=''node-b'' sslmode=prefer'")
                    .contains("primary_slot_name = 'node_b'")
                    .doesNotContain(password);

            ReplicaNodes.Node b = nodes.start(StandbyConfig.apply(bConfig, toA));
            ConnectionSpec bSpec = nodes.superuser(b, aDir);
            ReplicaNodes.execute(aSpec, "INSERT INTO t VALUES ('after clone')");
            await().atMost(ReplicaNodes.WAIT).until(() -> ReplicaNodes.column(bSpec, "SELECT v FROM t ORDER BY v"),
                    rows -> rows.equals(List.of("after clone", "before clone")));
            assertThat(ReplicaNodes.column(aSpec, "SELECT slot_name || ' ' || slot_type || ' ' || active FROM pg_replication_slots"))
                    .containsExactly("node_b physical true");
            assertThat(ReplicaNodes.column(aSpec, "SELECT rolname FROM pg_authid WHERE rolreplication AND rolcanlogin"
                    + " AND rolpassword LIKE 'SCRAM-SHA-256$%' AND NOT rolsuper")).containsExactly("replicator");
            await().atMost(ReplicaNodes.WAIT).until(() -> ReplicaNodes.column(aSpec,
                    "SELECT application_name || ' ' || state FROM pg_stat_replication"), r -> r.equals(List.of("node-b streaming")));

            // cloning over a non-empty directory is refused, and nothing in it is touched
            Path busy = Files.createDirectories(nodes.fx.base.resolve("busy"));
            Files.writeString(busy.resolve("notes.txt"), "keep me");
            Upstream toAForC = new Upstream("127.0.0.1", a.port(), ROLE, "node_c", "node-c");
            assertThatThrownBy(() -> nodes.cloner().clone(new CloneRequest(busy, aSpec, toAForC, password, null),
                    CloneMethod.AUTO, nodes.progress::add))
                    .isInstanceOf(PgWardenException.class)
                    .hasMessage("--data-dir=" + busy + ": cannot clone a replica into a non-empty directory (it contains"
                            + " 'notes.txt'); pgwarden never overwrites existing files. Choose a new or empty directory,"
                            + " or empty this one first.")
                    .extracting(e -> ((PgWardenException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(Files.readString(busy.resolve("notes.txt"))).isEqualTo("keep me");
            // a clone that fails (wrong superuser password) leaves nothing behind: no directory, no slot
            Path failed = nodes.fx.base.resolve("node-d");
            ConnectionSpec wrong = aSpec.withUser("postgres", "wrong-password");
            assertThatThrownBy(() -> nodes.cloner().clone(new CloneRequest(failed, wrong, toAForC, password, null),
                    CloneMethod.AUTO, nodes.progress::add))
                    .isInstanceOf(PgWardenException.class)
                    .hasMessageStartingWith("Cannot connect to the primary postgresql://postgres@127.0.0.1:" + a.port()
                            + "/postgres: FATAL: password authentication failed for user \"postgres\"")
                    .hasMessageEndingWith(". Check --replica-of, --primary-user and its password (--primary-password-file or PGPASSWORD).")
                    .message().doesNotContain("wrong-password");
            assertThat(failed).doesNotExist();
            assertThat(nodes.progress).noneMatch(l -> l.contains(password));
            assertThat(ReplicaNodes.column(aSpec, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'node_c'"))
                    .containsExactly("0");

            // rejoin checks --primary before it touches the node: a replica (B, in recovery) is refused, A keeps running
            Upstream toReplicaB = new Upstream("127.0.0.1", b.port(), ROLE, Upstream.slotFor("node-a"), "node-a");
            assertRefusedUntouched(nodes, a, new RejoinRequest(aDir, toReplicaB, bSpec, passwordFile, true, null, null),
                    ErrorCode.INVALID_INPUT, "--primary=127.0.0.1:" + b.port() + " is a replica (in recovery), not a primary;"
                            + " a rejoined node follows a writable primary. Name the current primary with --primary, or"
                            + " promote that node first ('pgwarden promote'); nothing was stopped or moved.");
            // up --replica-of A on A's own running directory: "in use", not a rejoin hint that would stop A
            assertThatThrownBy(() -> new ReplicaProvisioner(nodes.runner, nodes.files, nodes.fx.binaries, Clock.SYSTEM)
                    .prepare(a.config(), new ReplicaProvisioner.Source(toA, aSpec, passwordFile, CloneMethod.AUTO), nodes.progress::add))
                    .hasMessageMatching("Data directory " + java.util.regex.Pattern.quote(aDir.toString())
                            + " is in use by a running PostgreSQL \\(pid \\d+\\); stop it first .*");

            // many dirty buffers on B make its end-of-promotion checkpoint (a spread one) take minutes, as on a busy
            // node: until it ends, B's control file still shows timeline 1 and pg_rewind would see "no rewind required"
            ReplicaNodes.execute(aSpec, "CREATE TABLE filler AS SELECT g, repeat('x', 500) AS pad FROM generate_series(1, 20000) g");
            String filled = ReplicaNodes.column(aSpec, "SELECT pg_current_wal_lsn()::text").get(0);
            await().atMost(ReplicaNodes.WAIT).until(() -> ReplicaNodes.column(bSpec,
                    "SELECT pg_last_wal_replay_lsn() >= '" + filled + "'::pg_lsn"), r -> r.equals(List.of("t")));
            // promote B while A still runs, then write on A: A's history diverges and needs pg_rewind
            Promoter.Result promoted = new Promoter(Clock.SYSTEM).execute(bSpec, Promoter.DEFAULT_TIMEOUT);
            assertThat(promoted.promoted()).isTrue();
            assertThat(promoted.timeline()).isEqualTo(2);
            ReplicaNodes.execute(bSpec, "INSERT INTO t VALUES ('on b')");
            ReplicaNodes.execute(aSpec, "INSERT INTO t VALUES ('lost on a')");
            assertThat(new Promoter(Clock.SYSTEM).execute(bSpec, Promoter.DEFAULT_TIMEOUT).promoted()).isFalse();

            Upstream toB = new Upstream("127.0.0.1", b.port(), ROLE, Upstream.slotFor("node-a"), "node-a");
            // a typo'd --primary (nothing listens) and --primary naming A itself are refused before A is stopped or moved
            int nowhere = io.pgwarden.testing.TestPostgres.freePort();
            Upstream toNowhere = new Upstream("127.0.0.1", nowhere, ROLE, Upstream.slotFor("node-a"), "node-a");
            ConnectionSpec nowhereSpec = bSpec.withHostPort("127.0.0.1", nowhere);
            String unreachable = assertRefusedUntouched(nodes, a, new RejoinRequest(aDir, toNowhere, nowhereSpec, passwordFile,
                    true, null, null), ErrorCode.FAILED, null);
            assertThat(unreachable).startsWith("Cannot connect to the new primary postgresql://postgres@127.0.0.1:" + nowhere
                    + "/postgres (--primary=127.0.0.1:" + nowhere + "): Connection to 127.0.0.1:" + nowhere + " refused")
                    .endsWith(". Nothing was stopped or moved: " + aDir + " is as it was. Check --primary, --primary-user and"
                            + " its password (--primary-password-file or PGPASSWORD).")
                    .doesNotContain("--replica-of");
            Upstream toSelf = new Upstream("127.0.0.1", a.port(), ROLE, Upstream.slotFor("node-a"), "node-a");
            assertRefusedUntouched(nodes, a, new RejoinRequest(aDir, toSelf, aSpec, passwordFile, false, null, null),
                    ErrorCode.INVALID_INPUT, "--primary=127.0.0.1:" + a.port() + " is this node itself: the server answering"
                            + " there is the running PostgreSQL of " + aDir + " (pid " + PostmasterPid.read(aDir).orElseThrow().pid()
                            + "). A node cannot rejoin itself; nothing was stopped or moved. Name the new primary (the"
                            + " promoted node) with --primary.");

            Rejoiner.Result rewound = new Rejoiner(nodes.runner, nodes.files, nodes.fx.binaries, Clock.SYSTEM)
                    .execute(new RejoinRequest(aDir, toB, bSpec, passwordFile, true, null, null), nodes.progress::add);
            assertThat(rewound.method()).as(rewound.reason()).isEqualTo(Rejoiner.Method.REWIND);
            assertThat(rewound.reason()).isEqualTo("pg_rewind synchronised " + aDir + " with 127.0.0.1:" + b.port());
            assertThat(rewound.stoppedWith()).isEqualTo(ShutdownMode.FAST);
            assertThat(a.run().get(2, TimeUnit.MINUTES)).isEqualTo(Supervisor.Outcome.EXITED);
            assertThat(nodes.progress).contains("checkpointed the new primary 127.0.0.1:" + b.port() + " (its control file"
                    + " shows timeline 2, which pg_rewind compares with this node's)");
            assertThat(nodes.progress).anyMatch(l -> l.contains("servers diverged at WAL location"));

            ReplicaNodes.Node a2 = nodes.start(StandbyConfig.apply(a.config(), toB));
            ConnectionSpec a2Spec = nodes.superuser(a2, aDir);
            ReplicaNodes.execute(bSpec, "INSERT INTO t VALUES ('after rewind')");
            await().atMost(ReplicaNodes.WAIT).until(() -> ReplicaNodes.column(a2Spec, "SELECT v FROM t ORDER BY v"),
                    rows -> rows.equals(List.of("after clone", "after rewind", "before clone", "on b")));
            assertThat(ReplicaNodes.column(a2Spec, "SELECT pg_is_in_recovery()")).containsExactly("t");
            assertThat(ReplicaNodes.column(bSpec, "SELECT slot_name || ' ' || active FROM pg_replication_slots"))
                    .containsExactly("node_a true");

            // a clone that fails after the old directory was moved aside (the slot is held by another walsender: two
            // nodes with one name) puts the old directory back
            ReplicaNodes.execute(bSpec, "SELECT pg_create_physical_replication_slot('busy_slot', true)");
            try (Connection holder = replicationConnection(bSpec);
                 PGReplicationStream stream = holder.unwrap(PGConnection.class).getReplicationAPI().replicationStream().physical()
                         .withSlotName("busy_slot").withStartPosition(LogSequenceNumber.valueOf(
                                 ReplicaNodes.column(bSpec, "SELECT pg_current_wal_lsn()").get(0))).start()) {
                await().atMost(ReplicaNodes.WAIT).until(() -> ReplicaNodes.column(bSpec,
                        "SELECT active FROM pg_replication_slots WHERE slot_name = 'busy_slot'"), r -> r.equals(List.of("t")));
                Upstream toBusySlot = new Upstream("127.0.0.1", b.port(), ROLE, "busy_slot", "node-a");
                assertThatThrownBy(() -> new Rejoiner(nodes.runner, nodes.files, nodes.fx.binaries, Clock.SYSTEM)
                        .execute(new RejoinRequest(aDir, toBusySlot, bSpec, passwordFile, false, null, null), nodes.progress::add))
                        .hasMessageContaining("replication slot \"busy_slot\" is active")
                        .hasMessageEndingWith(" The old data directory was moved back to " + aDir + "; its server is stopped.");
            }
            assertThat(a2.run().get(2, TimeUnit.MINUTES)).isEqualTo(Supervisor.Outcome.EXITED);
            assertThat(aDir.resolve("PG_VERSION")).exists();
            assertThat(aDir.resolve("standby.signal")).exists();
            assertThat(asideDirectories(aDir)).isEmpty();
            ReplicaNodes.execute(bSpec, "SELECT pg_drop_replication_slot('busy_slot')");

            // the same rejoin without pg_rewind: A is moved aside and cloned afresh from B
            Rejoiner.Result recloned = new Rejoiner(nodes.runner, nodes.files, nodes.fx.binaries, Clock.SYSTEM)
                    .execute(new RejoinRequest(aDir, toB, bSpec, passwordFile, false, null, null), nodes.progress::add);
            assertThat(recloned.method()).isEqualTo(Rejoiner.Method.CLONE);
            assertThat(recloned.reason()).isEqualTo("pg_rewind was disabled with --no-rewind");
            assertThat(recloned.movedAside()).exists().isNotEqualTo(aDir);
            ReplicaNodes.Node a3 = nodes.start(StandbyConfig.apply(a.config(), toB));
            ConnectionSpec a3Spec = nodes.superuser(a3, aDir);
            ReplicaNodes.execute(bSpec, "INSERT INTO t VALUES ('after reclone')");
            await().atMost(ReplicaNodes.WAIT).until(() -> ReplicaNodes.column(a3Spec, "SELECT count(*) FROM t WHERE v = 'after reclone'"),
                    rows -> rows.equals(List.of("1")));
            assertThat(Files.readString(aDir.resolve("pgwarden.conf"))).contains("port = '" + a.port() + "'");

            // an existing replica started again against a primary that lost its slot (as after a failover) gets it back
            assertThat(a3.supervisor().requestStop()).isEqualTo(ShutdownMode.SMART);
            ReplicaNodes.execute(bSpec, "SELECT pg_drop_replication_slot('node_a')");
            ReplicaProvisioner.Outcome reused = new ReplicaProvisioner(nodes.runner, nodes.files, nodes.fx.binaries, Clock.SYSTEM)
                    .prepare(a.config(), new ReplicaProvisioner.Source(toB, bSpec, passwordFile, CloneMethod.AUTO), nodes.progress::add);
            assertThat(reused.cloned()).isNull();
            assertThat(ReplicaNodes.column(bSpec, "SELECT slot_name FROM pg_replication_slots")).containsExactly("node_a");
            ReplicaNodes.Node a4 = nodes.start(reused.config());
            ConnectionSpec a4Spec = nodes.superuser(a4, aDir);
            ReplicaNodes.execute(bSpec, "INSERT INTO t VALUES ('after restart')");
            await().atMost(ReplicaNodes.WAIT).until(() -> ReplicaNodes.column(a4Spec, "SELECT count(*) FROM t WHERE v = 'after restart'"),
                    rows -> rows.equals(List.of("1")));
            assertThat(ReplicaNodes.column(bSpec, "SELECT active FROM pg_replication_slots")).containsExactly("t");
        }
    }

    /**
     * Asserts that the rejoin is refused with {@code code} (and {@code message} when not null) while {@code node} keeps
     * running with its data directory in place and nothing moved aside; returns the message.
     */
    private static String assertRefusedUntouched(ReplicaNodes nodes, ReplicaNodes.Node node, RejoinRequest request,
            ErrorCode code, String message) throws Exception {
        Path dir = request.dataDir();
        long pid = PostmasterPid.read(dir).orElseThrow().pid();
        PgWardenException e = org.junit.jupiter.api.Assertions.assertThrows(PgWardenException.class, () -> new Rejoiner(
                nodes.runner, nodes.files, nodes.fx.binaries, Clock.SYSTEM).execute(request, nodes.progress::add));
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        if (message != null) {
            assertThat(e.getMessage()).isEqualTo(message);
        }
        assertThat(node.run()).isNotDone();
        assertThat(new DataDirectory(dir).runningPostmaster()).contains(pid);
        assertThat(dir.resolve("PG_VERSION")).exists();
        assertThat(asideDirectories(dir)).isEmpty();
        return e.getMessage();
    }

    private static List<Path> asideDirectories(Path dir) throws java.io.IOException {
        try (var siblings = Files.list(dir.getParent())) {
            return siblings.filter(p -> p.getFileName().toString().startsWith(dir.getFileName() + ".before-rejoin-")).toList();
        }
    }

    /** A walsender session (replication=database) of the superuser, to hold a slot active. */
    private static Connection replicationConnection(ConnectionSpec spec) throws java.sql.SQLException {
        java.util.Properties props = spec.jdbcProperties();
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "9.4");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        return java.sql.DriverManager.getConnection(spec.jdbcUrl(), props);
    }

    @Test
    void localCopyCloneWithServerOnlyBinaries() throws Exception {
        try (ReplicaNodes nodes = new ReplicaNodes(18)) {
            assertThat(nodes.fx.binaries.has("pg_basebackup")).isFalse();
            ReplicaNodes.Node a = nodes.start(nodes.config("node-a"));
            Path aDir = a.config().dataDir();
            ConnectionSpec aSpec = nodes.superuser(a, aDir);
            ReplicaNodes.execute(aSpec, "CREATE TABLE t AS SELECT g AS v FROM generate_series(1, 1000) g");

            InstanceConfig bConfig = nodes.config("node-b");
            Upstream toA = new Upstream("127.0.0.1", a.port(), ROLE, "node_b", "node-b");
            String password = ReplicationPassword.resolve(nodes.files, null, null, ROLE);
            ReplicaCloner.Result cloned = nodes.cloner().clone(new CloneRequest(bConfig.dataDir(), aSpec, toA, password, null),
                    CloneMethod.AUTO, nodes.progress::add);

            assertThat(cloned.method()).isEqualTo(CloneMethod.LOCAL_COPY);
            assertThat(cloned.reason()).isEqualTo(nodes.fx.binaries.binDir() + " has no pg_basebackup (server-only binaries),"
                    + " so the primary's data directory is copied on this machine between pg_backup_start and pg_backup_stop");
            assertThat(nodes.progress).last().asString().matches("copied ([0-9.]+ MB) of \\1 \\(100%\\)");
            assertThat(Files.readString(bConfig.dataDir().resolve("backup_label"))).contains("LABEL: pgwarden clone node_b");
            assertThat(bConfig.dataDir().resolve("postmaster.pid")).doesNotExist();
            try (var wal = Files.list(bConfig.dataDir().resolve("pg_wal"))) {
                assertThat(wal.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("archive_status", "summaries");
            }

            ReplicaNodes.Node b = nodes.start(StandbyConfig.apply(bConfig, toA));
            ConnectionSpec bSpec = nodes.superuser(b, aDir);
            ReplicaNodes.execute(aSpec, "INSERT INTO t VALUES (1001)");
            await().atMost(ReplicaNodes.WAIT).until(() -> ReplicaNodes.column(bSpec, "SELECT count(*) FROM t"),
                    rows -> rows.equals(List.of("1001")));
            assertThat(ReplicaNodes.column(aSpec, "SELECT slot_name || ' ' || active FROM pg_replication_slots"))
                    .containsExactly("node_b true");

            // promote B; A rejoins without pg_rewind (server-only binaries) by a local copy from B
            new Promoter(Clock.SYSTEM).execute(bSpec, Promoter.DEFAULT_TIMEOUT);
            Upstream toB = new Upstream("127.0.0.1", b.port(), ROLE, "node_a", "node-a");
            nodes.progress.clear();
            Rejoiner.Result rejoined = new Rejoiner(nodes.runner, nodes.files, nodes.fx.binaries, Clock.SYSTEM)
                    .execute(new RejoinRequest(aDir, toB, bSpec, null, true, null, null), nodes.progress::add);
            assertThat(rejoined.method()).isEqualTo(Rejoiner.Method.CLONE);
            assertThat(rejoined.reason()).isEqualTo("there is no pg_rewind in " + nodes.fx.binaries.binDir() + " ("
                    + nodes.fx.binaries.reason() + ")");
            assertThat(nodes.progress).contains("not using pg_rewind (" + rejoined.reason() + "); cloning afresh")
                    .anyMatch(l -> l.startsWith("cloning " + aDir + " from 127.0.0.1:" + b.port() + " by local-copy: "));
            assertThat(a.run().get(2, java.util.concurrent.TimeUnit.MINUTES)).isEqualTo(Supervisor.Outcome.EXITED);
            ReplicaNodes.Node a2 = nodes.start(StandbyConfig.apply(a.config(), toB));
            ConnectionSpec a2Spec = nodes.superuser(a2, aDir);
            ReplicaNodes.execute(bSpec, "INSERT INTO t VALUES (1002)");
            await().atMost(ReplicaNodes.WAIT).until(() -> ReplicaNodes.column(a2Spec, "SELECT count(*) FROM t"),
                    rows -> rows.equals(List.of("1002")));
            assertThat(Files.readString(aDir.resolve("pgwarden.conf"))).contains("port = '" + a.port() + "'");
        }
    }
}
