package io.pgwarden.instance;

import static org.awaitility.Awaitility.await;

import io.pgwarden.core.Clock;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.SystemProcessRunner;
import io.pgwarden.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Nodes of a small replicated cluster for the replica ITs, each started and supervised by the instance code. */
final class ReplicaNodes implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(120);

    final InstanceFixture fx;
    final ServerFiles files = new ServerFiles(Privileges.detect(null));
    final SystemProcessRunner runner = new SystemProcessRunner();
    final List<String> progress = Collections.synchronizedList(new ArrayList<>());

    ReplicaNodes(int major) throws Exception {
        fx = new InstanceFixture(major);
    }

    /** A running node: its config, its supervisor's outcome. */
    record Node(InstanceConfig config, Supervisor supervisor, CompletableFuture<Supervisor.Outcome> run) {
        int port() {
            return config.port();
        }
    }

    InstanceConfig config(String name) {
        return InstanceConfig.local(fx.base.resolve(name), TestPostgres.freePort());
    }

    /** Prepares (initdb on first use) and starts {@code config}, waiting until it accepts connections. */
    Node start(InstanceConfig config) {
        LocalInstance instance = fx.instance(config);
        instance.prepare();
        List<Supervisor.Event> events = Collections.synchronizedList(new ArrayList<>());
        Supervisor s = instance.supervisor(events::add);
        CompletableFuture<Supervisor.Outcome> run = fx.supervise(s);
        await().atMost(WAIT).until(() -> !events.isEmpty() || run.isDone());
        if (run.isDone() && events.isEmpty()) {
            run.join(); // throws the start failure
        }
        return new Node(config, s, run);
    }

    ReplicaCloner cloner() {
        return new ReplicaCloner(runner, files, fx.binaries, Clock.SYSTEM);
    }

    /** The superuser connection to a node; every node of one cluster shares the primary's generated password. */
    ConnectionSpec superuser(Node node, Path passwordSource) {
        return InstanceFixture.spec(node.config(), PasswordFile.read(passwordSource.resolve(InstanceConfig.PASSWORD_FILE_NAME)));
    }

    static void execute(ConnectionSpec spec, String sql) throws SQLException {
        try (Connection c = PgConnections.open(spec); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static List<String> column(ConnectionSpec spec, String sql) {
        try (Connection c = PgConnections.open(spec); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            return List.of("error: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        fx.close();
    }
}
