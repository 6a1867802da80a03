package io.pgwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code pgwarden run --replica-of} as a real child process: it clones a tuned replica of a running primary
 * (whose max_connections is higher than the tuning would choose), starts it, and its {@code /replica} endpoint
 * reports the replica streaming with its lag.
 */
class RunReplicaIT {
    /** A clone and a first start on a shared 2-core machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @Test
    void runClonesAReplicaThatFollowsItsPrimaryAndReportsItsLag() throws Exception {
        Path base = TempDirs.forServer("pgwarden-run-replica-it-");
        int pgPort = TestPostgres.freePort();
        int healthPort = TestPostgres.freePort();
        AgentHttp http = new AgentHttp(healthPort);
        try (TestPostgres primary = TestPostgres.start(TestPostgres.DEBIAN_15, Map.of("max_connections", "300"))) {
            primary.execute("CREATE TABLE t AS SELECT 1 AS v");
            try (AgentProcess agent = AgentProcess.start(List.of("run", "--data-dir", base.resolve("data").toString(), "--port",
                    Integer.toString(pgPort), "--listen", "127.0.0.1", "--pg-bin", TestPostgres.DEBIAN_15.toString(),
                    "--memory", "1GB", "--cpus", "2", "--health-address", "127.0.0.1", "--health-port",
                    Integer.toString(healthPort), "--server-log", base.resolve("server.log").toString(),
                    "--replica-of", "127.0.0.1:" + primary.port(), "--node-name", "run-replica"), Map.of(),
                    base.resolve("agent.log"))) {
                await().atMost(DEADLINE).until(() -> http.status("/replica") == 200 || !agent.isAlive());
                assertThat(agent.isAlive()).as(agent.output()).isTrue();
                AgentHttp.Response replica = http.get("/replica");
                assertThat(replica.json().at("/role").asText()).isEqualTo("replica");
                assertThat(replica.json().at("/postgres/streaming").asBoolean()).isTrue();
                assertThat(replica.json().at("/postgres/replication_lag/bytes").isNumber()).as(replica.body()).isTrue();
                assertThat(http.status("/primary")).isEqualTo(503);
                assertThat(agent.output()).contains("replica of 127.0.0.1:" + primary.port() + ": cloning ")
                        .contains("by base-backup: pg_basebackup is available in " + TestPostgres.DEBIAN_15);
                assertThat(Files.readString(base.resolve("data/pgwarden.conf"))).contains("max_connections = '300'");

                primary.execute("INSERT INTO t VALUES (2)");
                ConnectionSpec replicaSpec = primary.spec().withHostPort("127.0.0.1", pgPort);
                await().atMost(DEADLINE).until(() -> count(replicaSpec) == 2);
                assertThat(column(primary.spec(), "SELECT slot_name || ' ' || active FROM pg_replication_slots"))
                        .isEqualTo("run_replica true");

                agent.terminate();
                assertThat(agent.waitForExit(DEADLINE.toSeconds())).as(agent.output()).isZero();
            }
        } finally {
            TempDirs.delete(base);
        }
    }

    private static long count(ConnectionSpec spec) {
        try {
            return Long.parseLong(column(spec, "SELECT count(*) FROM t"));
        } catch (Exception e) {
            return -1;
        }
    }

    private static String column(ConnectionSpec spec, String sql) throws Exception {
        try (Connection c = PgConnections.open(spec); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
