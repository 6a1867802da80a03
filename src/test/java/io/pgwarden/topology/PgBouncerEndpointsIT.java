package io.pgwarden.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgwarden.agent.Agent;
import io.pgwarden.agent.EndpointsLoop;
import io.pgwarden.agent.StopSignal;
import io.pgwarden.core.Clock;
import io.pgwarden.health.LoopRegistry;
import io.pgwarden.testing.TestCluster;
import io.pgwarden.testing.TestPgBouncer;
import io.pgwarden.testing.TestPostgres;
import io.pgwarden.pg.SystemProcessRunner;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real PgBouncer in front of a real primary and replica: after the primary stops and the replica is promoted,
 * {@code endpoints watch} rewrites pgbouncer.ini and RELOADs, and a client that was connected through PgBouncer
 * all along reaches the new primary.
 */
class PgBouncerEndpointsIT {
    private static TestCluster cluster;
    private static TestPgBouncer bouncer;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(1);
        bouncer = TestPgBouncer.start("127.0.0.1", cluster.node(0).port());
    }

    @AfterAll
    static void stop() {
        if (bouncer != null) {
            bouncer.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void clientsThroughPgBouncerReachTheNewPrimaryAfterPromotionAndAWatchCycle() throws Exception {
        PgBouncerEndpointPublisher publisher = new PgBouncerEndpointPublisher(bouncer.ini(), bouncer.adminSpec(),
                new SystemProcessRunner(), TestPostgres.DEBIAN_15.resolve("psql").toString());
        String before = Files.readString(bouncer.ini());
        try (ClusterProbe probe = new ClusterProbe(NodeAddress.parseList(cluster.nodeList(), 5432),
                new JdbcNodeProbe(cluster.spec(), Clock.SYSTEM), Duration.ofSeconds(10), Clock.SYSTEM);
             Connection client = clientConnection()) {
            assertThat(serverPort(client)).isEqualTo(cluster.node(0).port());
            ReconcileCommand command = new ReconcileCommand(probe::snapshot, new TopologyDecider(LagLimit.NONE),
                    List.of(publisher), Clock.SYSTEM);
            // the file already points at the primary: nothing to rewrite, no RELOAD
            assertThat(command.execute().publishers()).extracting(PublisherOutcome::result)
                    .containsExactly(PublishResult.UNCHANGED);
            assertThat(Files.readString(bouncer.ini())).isEqualTo(before);

            WatchLoop watch = new WatchLoop(command, Duration.ofMillis(200), Clock.SYSTEM);
            StopSignal stop = StopSignal.manual();
            Agent agent = new Agent(new LoopRegistry(Clock.SYSTEM, new SimpleMeterRegistry()), Clock.SYSTEM)
                    .add(new EndpointsLoop(watch, Duration.ofSeconds(5), Clock.SYSTEM));
            Thread thread = new Thread(() -> {
                try {
                    agent.run(stop);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "watch-under-test");
            thread.start();
            try {
                cluster.node(0).stop("fast");
                cluster.node(1).promote();

                Awaitility.await("the connected client reaches the promoted node").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> serverPort(client) == cluster.node(1).port());
                assertThat(Files.readString(bouncer.ini())).isEqualTo(before.replace(
                        "appdb = host=127.0.0.1 port=" + cluster.node(0).port() + " dbname=postgres",
                        "appdb = host=127.0.0.1 port=" + cluster.node(1).port() + " dbname=postgres"));
                try (Connection fresh = clientConnection(); Statement s = fresh.createStatement();
                     ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).as("a new client lands on a writable primary").isFalse();
                }
                Awaitility.await("a later cycle finds nothing to change").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> watch.lastResult().map(r -> r.decision().outcome() == TopologyOutcome.UNCHANGED)
                                .orElse(false));
                assertThat(watch.failedCycles()).isZero();
            } finally {
                stop.request("end of test");
                thread.join(30_000);
            }
        }
    }

    private static Connection clientConnection() throws SQLException {
        Properties p = bouncer.clientSpec().jdbcProperties();
        p.setProperty("preferQueryMode", "simple"); // transaction pooling: no server-side prepared statements
        return java.sql.DriverManager.getConnection(bouncer.clientSpec().jdbcUrl(), p);
    }

    private static int serverPort(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
