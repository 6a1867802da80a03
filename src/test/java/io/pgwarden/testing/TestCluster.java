package io.pgwarden.testing;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.SystemProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * A real streaming-replication cluster for integration tests: a primary started by {@link TestPostgres} (Debian
 * 15) plus replicas cloned from it with {@code pg_basebackup -R -X stream -c fast}, each on its own free loopback
 * port, run as postgres through setpriv when the tests run as root. Node 0 is the original primary. Scenario helpers
 * stop, start and promote nodes, repoint a replica and pause its replay; {@link #reset()} brings the cluster back to
 * "node 0 primary, every replica streaming from it" (re-cloning replicas that were promoted or repointed), so one
 * cluster serves a whole test class.
 */
public final class TestCluster implements AutoCloseable {
    /** Cloning and starting a tiny cluster takes a second or two; a loaded 2-core CI machine may need far more. */
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);
    /** Streaming starts within a second of a replica's start; generous for a loaded CI machine. */
    private static final Duration STREAMING_WAIT = Duration.ofSeconds(60);

    private final TestPostgres primaryServer;
    private final List<Node> nodes = new ArrayList<>();
    private final SystemProcessRunner runner = new SystemProcessRunner();
    private final Privileges privileges = Privileges.detect(null);

    private TestCluster(TestPostgres primary) {
        this.primaryServer = primary;
    }

    /** Starts a primary and {@code replicas} streaming replicas, and waits until every replica streams. */
    public static TestCluster start(int replicas) {
        TestPostgres primary = TestPostgres.start(TestPostgres.DEBIAN_15, Map.of("wal_keep_size", "256MB",
                "wal_receiver_status_interval", "1s"));
        TestCluster c = new TestCluster(primary);
        c.nodes.add(new Node(c, 0, primary.baseDir(), primary.dataDir(), primary.port()));
        try {
            for (int i = 1; i <= replicas; i++) {
                Path base = Files.createTempDirectory("pgwarden-replica-");
                c.chown(base);
                Node n = new Node(c, i, base, base.resolve("data"), TestPostgres.freePort());
                c.nodes.add(n);
                c.cloneReplica(n);
            }
            c.awaitStreaming();
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw new IllegalStateException("cannot start the test cluster: " + e.getMessage(), e);
        }
    }

    public Node node(int i) {
        return nodes.get(i);
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** {@code 127.0.0.1:p0,127.0.0.1:p1,...}, as PG_NODES holds it. */
    public String nodeList() {
        return String.join(",", nodes.stream().map(Node::address).toList());
    }

    /** Superuser connection template (host/port of node 0). */
    public ConnectionSpec spec() {
        return primaryServer.spec();
    }

    /**
     * Node 0 running as primary, every replica running and streaming from it with replay resumed. Replicas that
     * were promoted or repointed are cloned again.
     */
    public void reset() {
        Node primary = nodes.get(0);
        if (!primary.running()) {
            primary.start();
        }
        for (Node n : nodes.subList(1, nodes.size())) {
            if (n.dirty) {
                if (n.running()) {
                    n.stop("immediate");
                }
                TestPostgres.deleteTree(n.dataDir);
                cloneReplica(n);
            } else if (!n.running()) {
                n.start();
            } else {
                n.execute("SELECT pg_wal_replay_resume()");
            }
        }
        awaitStreaming();
    }

    /** Waits until every running replica of node 0 streams from it and has replayed what it received. */
    public void awaitStreaming() {
        Node primary = nodes.get(0);
        Awaitility.await("replicas streaming from " + primary.address()).atMost(STREAMING_WAIT)
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
                    for (Node n : nodes.subList(1, nodes.size())) {
                        String status = n.query("SELECT status || ':' || sender_port FROM pg_stat_wal_receiver");
                        if (!("streaming:" + primary.port).equals(status)) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    private void cloneReplica(Node n) {
        try {
            Files.createDirectories(n.baseDir);
            chown(n.baseDir);
            run(List.of(TestPostgres.DEBIAN_15.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p",
                    Integer.toString(nodes.get(0).port), "-U", "postgres", "-D", n.dataDir.toString(), "-R", "-X", "stream",
                    "-c", "fast", "--no-sync"));
            Files.writeString(n.dataDir.resolve("postgresql.auto.conf"), "port = " + n.port + "\n"
                    + "unix_socket_directories = '" + n.baseDir + "'\n", StandardOpenOption.APPEND);
            n.dirty = false;
            n.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void run(List<String> command) {
        ProcessResult r = runner.run(privileges.asServerUser(command), null, Map.of("LC_ALL", "C.UTF-8"), TOOL_TIMEOUT);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exitCode() + "): " + r.tail(20));
        }
    }

    private void chown(Path path) throws IOException {
        if (privileges.isRoot()) {
            var lookup = path.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(path, lookup.lookupPrincipalByName(Privileges.DEFAULT_SERVER_USER));
        }
    }

    @Override
    public void close() {
        for (Node n : nodes.subList(Math.min(1, nodes.size()), nodes.size())) {
            try {
                if (n.running()) {
                    n.stop("immediate");
                }
            } catch (RuntimeException e) {
                // best effort at teardown; the directory is removed below either way
            }
            TestPostgres.deleteTree(n.baseDir);
        }
        primaryServer.close();
    }

    /** One server of the cluster. */
    public static final class Node {
        private final TestCluster cluster;
        private final int index;
        private final Path baseDir;
        private final Path dataDir;
        private final int port;
        private boolean dirty;

        Node(TestCluster cluster, int index, Path baseDir, Path dataDir, int port) {
            this.cluster = cluster;
            this.index = index;
            this.baseDir = baseDir;
            this.dataDir = dataDir;
            this.port = port;
        }

        public int port() {
            return port;
        }

        public int index() {
            return index;
        }

        /** {@code 127.0.0.1:port}. */
        public String address() {
            return "127.0.0.1:" + port;
        }

        public ConnectionSpec spec() {
            return cluster.spec().withHostPort("127.0.0.1", port);
        }

        public boolean running() {
            return Files.exists(dataDir.resolve("postmaster.pid"));
        }

        public void start() {
            cluster.run(List.of(TestPostgres.DEBIAN_15.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l",
                    baseDir.resolve("server-" + index + ".log").toString(), "-w", "-t", "110", "start"));
        }

        /** {@code smart}, {@code fast} or {@code immediate}. */
        public void stop(String mode) {
            cluster.run(List.of(TestPostgres.DEBIAN_15.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", mode,
                    "-w", "-t", "110", "stop"));
        }

        /** {@code SELECT pg_promote()}, waiting until it is done; the node is re-cloned by the next reset. */
        public void promote() {
            dirty = index != 0;
            execute("SELECT pg_promote(true, 60)");
        }

        /** Makes this replica stream from {@code upstream} (reloads primary_conninfo); re-cloned by the next reset. */
        public void follow(Node upstream) {
            dirty = true;
            execute("ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 port=" + upstream.port + " user=postgres'");
            execute("SELECT pg_reload_conf()");
        }

        /** Stops replaying WAL (it is still received), so the replica falls behind as the primary writes. */
        public void pauseReplay() {
            execute("SELECT pg_wal_replay_pause()");
        }

        public void execute(String sql) {
            try (Connection c = PgConnections.open(spec()); Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(address() + ": " + sql + ": " + e.getMessage(), e);
            }
        }

        /** The first column of the first row, or null. */
        public String query(String sql) {
            try (Connection c = PgConnections.open(spec()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(sql)) {
                return rs.next() ? rs.getString(1) : null;
            } catch (SQLException e) {
                throw new IllegalStateException(address() + ": " + sql + ": " + e.getMessage(), e);
            }
        }
    }
}
