package io.pgwarden.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgwarden.core.Clock;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A switchover through {@link InstanceControl} on real servers, with supervision going on throughout: the running
 * primary A is restarted as a standby of its replica B (a fast stop hands B all of A's WAL, so A needs no rewind),
 * B is promoted, A follows B's new timeline, and A is still supervised (a SIGKILL is restarted) and B can be fenced
 * and started again. On Debian's PostgreSQL 15 (pg_basebackup clone) and the server-only embedded 18 (local copy).
 */
class InstanceControlIT {
    private static final String ROLE = Upstream.DEFAULT_ROLE;

    /** A node under an InstanceControl, supervised on its own thread. */
    private record Controlled(InstanceConfig config, InstanceControl control, CompletableFuture<Supervisor.Outcome> run,
            ConnectionSpec spec) {
        int port() {
            return config.port();
        }
    }

    private final List<Controlled> started = new ArrayList<>();

    private Controlled start(ReplicaNodes nodes, InstanceConfig config, Path passwordSource) {
        LocalInstance instance = nodes.fx.instance(config);
        instance.prepare();
        ConnectionSpec spec = InstanceFixture.spec(config, PasswordFile.read(passwordSource.resolve(InstanceConfig.PASSWORD_FILE_NAME)));
        List<Supervisor.Event> events = Collections.synchronizedList(new ArrayList<>());
        InstanceControl control = new InstanceControl(instance, nodes.files, spec, Clock.SYSTEM, events::add);
        CompletableFuture<Supervisor.Outcome> run = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                run.complete(control.run());
            } catch (Throwable e) {
                run.completeExceptionally(e);
            }
        }, "supervisor-" + config.dataDir().getFileName());
        t.setDaemon(true);
        t.start();
        Controlled c = new Controlled(config, control, run, spec);
        started.add(c);
        await().atMost(ReplicaNodes.WAIT).until(() -> c.control().state() == InstanceControl.State.PRIMARY
                || c.control().state() == InstanceControl.State.STANDBY || run.isDone());
        if (run.isDone()) {
            run.join();
        }
        return c;
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15, 18})
    void promoteARunningReplicaAndTurnARunningPrimaryIntoAStandbyWhileSupervisionGoesOn(int major) throws Exception {
        try (ReplicaNodes nodes = new ReplicaNodes(major)) {
            try {
                Controlled a = start(nodes, nodes.config("node-a"), nodes.fx.base.resolve("node-a"));
                Path aDir = a.config().dataDir();
                assertThat(a.control().state()).isEqualTo(InstanceControl.State.PRIMARY);
                ReplicaNodes.execute(a.spec(), "CREATE TABLE t (v text)");
                ReplicaNodes.execute(a.spec(), "INSERT INTO t VALUES ('on a')");

                InstanceConfig bConfig = nodes.config("node-b");
                Upstream toA = new Upstream("127.0.0.1", a.port(), ROLE, Upstream.slotFor("node-b"), "node-b");
                Path passwordFile = nodes.fx.base.resolve("replication.password");
                String password = ReplicationPassword.resolve(nodes.files, passwordFile, null, ROLE);
                nodes.cloner().clone(new CloneRequest(bConfig.dataDir(), a.spec(), toA, password, null), CloneMethod.AUTO,
                        nodes.progress::add);
                Controlled b = start(nodes, StandbyConfig.apply(bConfig, toA), aDir);
                assertThat(b.control().state()).isEqualTo(InstanceControl.State.STANDBY);
                await().atMost(ReplicaNodes.WAIT).until(() -> ReplicaNodes.column(b.spec(), "SELECT v FROM t"),
                        rows -> rows.equals(List.of("on a")));
                long aPidFirst = a.control().supervisor().current().pid();
                assertThatThrownBy(() -> a.control().restartAsStandby(toA, null))
                        .as("a's own directory has no replication password to keep").isInstanceOf(PgWardenException.class)
                        .hasMessageContaining("holds no password for the replication role replicator; give the replication password. Nothing was changed.");
                assertThat(a.control().state()).as("a failed command leaves the server as it was")
                        .isEqualTo(InstanceControl.State.PRIMARY);
                assertThat(a.control().supervisor().current().pid()).as("and running: nothing was stopped").isEqualTo(aPidFirst);

                // the switchover: A becomes a (cascading) standby of B, then B is promoted and A follows its timeline
                ReplicaNodes.execute(b.spec(), "SELECT pg_create_physical_replication_slot('node_a')");
                long aPidBefore = a.control().supervisor().current().pid();
                a.control().restartAsStandby(new Upstream("127.0.0.1", b.port(), ROLE, Upstream.slotFor("node-a"),
                        "node-a"), password);
                assertThat(a.control().state()).isEqualTo(InstanceControl.State.STANDBY);
                assertThat(a.control().supervisor().current().pid()).isNotEqualTo(aPidBefore);
                assertThat(aDir.resolve(StandbyConfig.SIGNAL)).exists();
                assertThat(ReplicaNodes.column(a.spec(), "SELECT pg_is_in_recovery()")).containsExactly("t");

                Promoter.Result promoted = b.control().promote(Promoter.DEFAULT_TIMEOUT);
                assertThat(promoted.promoted()).isTrue();
                assertThat(promoted.timeline()).isEqualTo(2);
                assertThat(b.control().state()).isEqualTo(InstanceControl.State.PRIMARY);
                ReplicaNodes.execute(b.spec(), "INSERT INTO t VALUES ('on b')");
                await().atMost(ReplicaNodes.WAIT).until(() -> ReplicaNodes.column(a.spec(), "SELECT v FROM t ORDER BY v"),
                        rows -> rows.equals(List.of("on a", "on b")));
                assertThat(ReplicaNodes.column(a.spec(), "SELECT received_tli FROM pg_stat_wal_receiver")).containsExactly("2");

                // still supervised: a crash of the standby is restarted, as a standby
                long aPid = a.control().supervisor().current().pid();
                new ProcessBuilder("kill", "-KILL", String.valueOf(aPid)).start().waitFor();
                await().atMost(ReplicaNodes.WAIT).until(() -> a.control().state() == InstanceControl.State.STANDBY
                        && a.control().supervisor().current() != null && a.control().supervisor().current().pid() != aPid);
                ReplicaNodes.execute(b.spec(), "INSERT INTO t VALUES ('after the crash')");
                await().atMost(ReplicaNodes.WAIT).until(() -> ReplicaNodes.column(a.spec(), "SELECT count(*) FROM t"),
                        rows -> rows.equals(List.of("3")));

                // fencing stops writes at once and keeps the node down, supervised, until it is started again
                assertThat(b.control().fence()).isEqualTo(ShutdownMode.IMMEDIATE);
                assertThat(b.control().state()).isEqualTo(InstanceControl.State.FENCED);
                assertThat(ReplicaNodes.column(b.spec(), "SELECT 1").get(0)).startsWith("error: ");
                assertThat(b.run()).as("fencing does not end supervision").isNotDone();
                assertThatThrownBy(() -> b.control().promote(Duration.ofSeconds(5)))
                        .hasMessageContaining("PostgreSQL is fenced, not a running standby");
                b.control().start();
                assertThat(b.control().state()).isEqualTo(InstanceControl.State.PRIMARY);
                assertThat(ReplicaNodes.column(b.spec(), "SELECT count(*) FROM t")).containsExactly("3");
                assertThat(a.run()).isNotDone();
                assertThat(b.run()).isNotDone();
            } finally {
                for (Controlled c : started) {
                    c.control().supervisor().requestStop();
                }
                for (Controlled c : started) {
                    assertThat(c.run().get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(Supervisor.Outcome.STOPPED);
                    assertThat(c.control().state()).isEqualTo(InstanceControl.State.STOPPED);
                }
            }
        }
    }
}
