package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgwarden.instance.PostmasterStopper;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.pg.SystemProcessRunner;
import io.pgwarden.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The replica commands as a user runs them on Debian 15: {@code up} for a primary and {@code up --replica-of}
 * for a replica (child JVMs of the packaged jar), {@code status} (table and JSON) on both, {@code promote} of the
 * replica, and {@code rejoin} of the old primary, which is then started by rejoin as a replica of the new one.
 */
class ReplicaCommandsIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String BIN = TestPostgres.DEBIAN_15.toString();

    @Test
    void upReplicaOfStatusPromoteAndRejoin() throws Exception {
        Path work = Files.createTempDirectory("pgwarden-replica-cli-it-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path a = work.resolve("node-a");
        Path b = work.resolve("node-b");
        int portA = TestPostgres.freePort();
        int portB = TestPostgres.freePort();
        try (UpProcess upA = UpProcess.start(work, work.resolve("a.err"), "--data-dir", a.toString(), "--port",
                Integer.toString(portA), "--pg-bin", BIN)) {
            upA.awaitLine("ready:");
            String password = Files.readString(a.resolve("pgwarden.password")).strip();
            ConnectionSpec specA = spec(portA, password);
            // pg_rewind reads A's WAL back to the last checkpoint before the promotion (docs/replicas.md)
            execute(specA, "ALTER SYSTEM SET wal_keep_size = '256MB'");
            execute(specA, "SELECT pg_reload_conf()");
            execute(specA, "CREATE TABLE t (v text); INSERT INTO t VALUES ('one')");

            try (UpProcess upB = UpProcess.start(work, work.resolve("b.err"), "--data-dir", b.toString(), "--port",
                    Integer.toString(portB), "--pg-bin", BIN, "--replica-of", "127.0.0.1:" + portA,
                    "--primary-password-file", a.resolve("pgwarden.password").toString(), "--node-name", "node-b")) {
                upB.awaitLine("ready:");
                assertThat(upB.lines).anyMatch(l -> l.matches("clone: \\d+/\\d+ kB \\(100%\\), 1/1 tablespace"));
                assertThat(upB.find("replica: cloned")).hasValueSatisfying(l -> assertThat(l).contains(
                        " by base-backup (pg_basebackup is available in " + BIN + "); slot 'node_b' and role 'replicator' on 127.0.0.1:" + portA));
                assertThat(String.join("\n", upB.lines) + Files.readString(work.resolve("b.err"))).doesNotContain(password);
                ConnectionSpec specB = spec(portB, password);
                execute(specA, "INSERT INTO t VALUES ('two')");
                await().atMost(WAIT).until(() -> count(specB) == 2);

                await().atMost(WAIT).until(() -> {
                    CliRun s = CliRun.of(Map.of(), "status", "--data-dir", b.toString(), "--format", "json");
                    JsonNode j = new ObjectMapper().readTree(s.out());
                    return s.exitCode() == 0 && j.path("lag_bytes").asLong(-1) == 0;
                });
                JsonNode status = new ObjectMapper().readTree(CliRun.of(Map.of(), "status", "--data-dir", b.toString(),
                        "--format", "json").out());
                assertThat(status.get("role").asText()).isEqualTo("replica");
                assertThat(status.get("timeline").asInt()).isEqualTo(1);
                assertThat(status.get("upstream").asText()).isEqualTo("127.0.0.1:" + portA);
                assertThat(status.get("upstream_status").asText()).isEqualTo("streaming");
                assertThat(status.get("slot").asText()).isEqualTo("node_b");
                assertThat(status.get("replay_lsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
                assertThat(status.get("lag_seconds").asDouble()).isGreaterThanOrEqualTo(0);
                CliRun primaryStatus = CliRun.of(Map.of(), "status", "--data-dir", a.toString());
                assertThat(primaryStatus.exitCode()).isZero();
                assertThat(primaryStatus.out()).contains("role             primary").contains("replicas         1")
                        .containsPattern("  node-b +127\\.0\\.0\\.1, streaming, slot node_b, lag \\d+ bytes");

                // dirty buffers on B make its end-of-promotion checkpoint a long spread one, as on a busy node: until
                // it ends B's control file shows timeline 1, and a pg_rewind without a CHECKPOINT first sees nothing to do
                execute(specA, "CREATE TABLE filler AS SELECT g, repeat('x', 500) AS pad FROM generate_series(1, 20000) g");
                long filled = lsn(specA, "SELECT pg_current_wal_lsn() - '0/0'");
                await().atMost(WAIT).until(() -> lsn(specB, "SELECT pg_last_wal_replay_lsn() - '0/0'") >= filled);
                CliRun promote = CliRun.of(Map.of(), "promote", "--data-dir", b.toString());
                assertThat(promote.exitCode()).as(promote.err()).isZero();
                assertThat(promote.out()).startsWith("promoted: 127.0.0.1:" + portB + " accepts writes on timeline 2 (test write at ");
                assertThat(promote.err()).contains("warning: the old primary 127.0.0.1:" + portA + " is still up and accepts"
                        + " connections: clients that reach it can write to both. Stop it, or turn it into a replica of"
                        + " 127.0.0.1:" + portB + " ('pgwarden rejoin --primary 127.0.0.1:" + portB + "' on that node).");
                execute(specB, "INSERT INTO t VALUES ('three')");
                String urlB = "postgresql://postgres@127.0.0.1:" + portB + "/postgres";
                CliRun again = CliRun.of(Map.of("PGPASSWORD", password), "promote", "--url", urlB);
                assertThat(again.exitCode()).as(again.err()).isZero();
                assertThat(again.out()).startsWith("already primary: 127.0.0.1:" + portB + " accepts writes on timeline 2");
                CliRun wrong = CliRun.of(Map.of("PGPASSWORD", "wrong-password"), "status", "--url", urlB, "--format", "json");
                assertThat(wrong.exitCode()).isEqualTo(1);
                assertThat(new ObjectMapper().readTree(wrong.out()).get("error").asText())
                        .contains("password authentication failed for user \"postgres\"");
                assertThat(wrong.out() + wrong.err()).doesNotContain("wrong-password");

                // a typo'd --primary and --primary naming the node itself are refused; both nodes keep running untouched
                int nowhere = TestPostgres.freePort();
                CliRun typo = CliRun.of(Map.of(), "rejoin", "--data-dir", a.toString(), "--primary", "127.0.0.1:" + nowhere,
                        "--pg-bin", BIN, "--node-name", "node-a");
                assertThat(typo.exitCode()).as(typo.out() + typo.err()).isEqualTo(1);
                assertThat(typo.err()).contains("Cannot connect to the new primary postgresql://postgres@127.0.0.1:" + nowhere
                        + "/postgres (--primary=127.0.0.1:" + nowhere + "): Connection to 127.0.0.1:" + nowhere + " refused")
                        .contains("Nothing was stopped or moved: " + a + " is as it was. Check --primary,")
                        .doesNotContain("--replica-of");
                assertThat(typo.out()).doesNotContain("stopped").doesNotContain("moved");
                CliRun self = CliRun.of(Map.of(), "rejoin", "--data-dir", b.toString(), "--primary", "127.0.0.1:" + portB,
                        "--pg-bin", BIN, "--node-name", "node-b");
                assertThat(self.exitCode()).as(self.out() + self.err()).isEqualTo(2);
                assertThat(self.err()).contains("--primary=127.0.0.1:" + portB + " is this node itself: the server answering"
                        + " there is the running PostgreSQL of " + b + " (pid ");
                assertThat(upA.process.isAlive()).isTrue();
                assertThat(upB.process.isAlive()).isTrue();
                assertThat(count(specA)).isEqualTo(2);
                assertThat(count(specB)).isEqualTo(3);
                assertThat(a.resolve("PG_VERSION")).exists();
                assertThat(b.resolve("PG_VERSION")).exists();

                CliRun rejoin = CliRun.of(Map.of(), "rejoin", "--data-dir", a.toString(), "--primary", "127.0.0.1:" + portB,
                        "--pg-bin", BIN, "--node-name", "node-a", "--no-start");
                try {
                    assertThat(rejoin.exitCode()).as(rejoin.out() + rejoin.err()).isZero();
                    assertThat(rejoin.out()).contains("rejoin: stopped the running server of " + a + " (fast shutdown)")
                            .contains("rejoin: checkpointed the new primary 127.0.0.1:" + portB + " (its control file shows"
                                    + " timeline 2, which pg_rewind compares with this node's)")
                            .contains("rejoin: pg_rewind: servers diverged at WAL location")
                            .contains("prepared: " + a + " is configured as a replica of 127.0.0.1:" + portB + " by pg_rewind"
                                    + " (pg_rewind synchronised " + a + " with 127.0.0.1:" + portB + "); slot 'node_a'")
                            .doesNotContain("rejoined:");
                    String up = "pgwarden up --data-dir " + a + " --port " + portA + " --pg-bin " + BIN + " --replica-of 127.0.0.1:"
                            + portB + " --node-name node-a --primary-password-file " + a.resolve("pgwarden.password");
                    assertThat(rejoin.out()).contains("not started (--no-start); start it supervised with: " + up + "\n");
                    assertThat(upA.terminate()).isZero();
                    assertThat(upA.lines).contains("stopped: PostgreSQL was shut down from outside pgwarden (exit 0)");

                    // the printed command works as printed: the node comes back on its port as a replica of B
                    try (UpProcess upA2 = UpProcess.start(work, work.resolve("a2.err"),
                            up.substring("pgwarden up ".length()).split(" "))) {
                        upA2.awaitLine("ready:");
                        await().atMost(WAIT).until(() -> count(specA) == 3);
                        JsonNode rejoined = new ObjectMapper().readTree(CliRun.of(Map.of(), "status", "--data-dir",
                                a.toString(), "--format", "json").out());
                        assertThat(rejoined.get("role").asText()).isEqualTo("replica");
                        assertThat(rejoined.get("timeline").asInt()).isEqualTo(2);
                        assertThat(rejoined.get("upstream").asText()).isEqualTo("127.0.0.1:" + portB);
                        assertThat(rejoined.get("slot").asText()).isEqualTo("node_a");
                        assertThat(upA2.terminate()).isZero();
                    }

                    // without --no-start rejoin starts the replica itself (detached)
                    CliRun rejoinStart = CliRun.of(Map.of(), "rejoin", "--data-dir", a.toString(), "--primary", "127.0.0.1:" + portB,
                            "--pg-bin", BIN, "--node-name", "node-a");
                    assertThat(rejoinStart.exitCode()).as(rejoinStart.out() + rejoinStart.err()).isZero();
                    assertThat(rejoinStart.out()).contains("prepared: " + a + " is configured as a replica of 127.0.0.1:" + portB)
                            .contains("started: replica of 127.0.0.1:" + portB)
                            .contains("rejoined: " + a + " streams from 127.0.0.1:" + portB + " on timeline 2 by pg_rewind");
                    assertThat(rejoinStart.out().indexOf("rejoined:")).isGreaterThan(rejoinStart.out().indexOf("started:"));
                    assertThat(rejoinStart.out()).contains("not supervised: nothing restarts this detached server if it"
                            + " crashes; to supervise it, run: " + up + "\n");
                    execute(specB, "INSERT INTO t VALUES ('four')");
                    await().atMost(WAIT).until(() -> count(specA) == 4);
                } finally {
                    new PostmasterStopper(new SystemProcessRunner()).stop(a, Duration.ofSeconds(30)); // rejoin started it detached
                }
                upB.terminate();
            }
        } finally {
            try (var paths = Files.walk(work)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static ConnectionSpec spec(int port, String password) {
        return ConnectionSpec.fromEnv(Map.of()).withHostPort("127.0.0.1", port).withDatabase("postgres")
                .withUser("postgres", password).withConnectTimeout(Duration.ofSeconds(10));
    }

    private static void execute(ConnectionSpec spec, String sql) throws Exception {
        try (Connection c = PgConnections.open(spec); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long lsn(ConnectionSpec spec, String sql) {
        try (Connection c = PgConnections.open(spec); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }

    private static long count(ConnectionSpec spec) {
        try (Connection c = PgConnections.open(spec); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }
}
