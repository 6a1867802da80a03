package io.pgwarden.deploy;

import static io.pgwarden.testing.TestImages.podman;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.SystemProcessRunner;
import io.pgwarden.testing.TestImages;
import io.pgwarden.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * deploy/stacks/primary and deploy/stacks/replica, unchanged, with podman-compose: the replica streams from the
 * primary and a client authenticates through PgBouncer (auth_query against PostgreSQL). The stacks are copied with
 * fresh secrets; ports, project names and the network are per run, through the variables the compose files read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StacksIT {
    /** initdb, migrations, a base backup and two JVM starts on a loaded 2-core machine. */
    private static final Duration READY = Duration.ofSeconds(180);
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> secrets = new HashMap<>();
    private TestImages.Built images;
    private Path stacks;
    private Map<String, String> env;

    @BeforeAll
    void upPrimaryAndReplica() throws IOException {
        images = TestImages.build();
        Path work = Files.createTempDirectory("pgwarden-stacks-");
        stacks = work.resolve("stacks");
        copy(Path.of("deploy/stacks"), stacks);
        Path dir = stacks.resolve("secrets");
        for (String name : List.of("postgres-password", "pgbouncer-auth-password", "app-user-password", "replication-password")) {
            String value = name + "-" + UUID.randomUUID();
            secrets.put(name, value);
            Path f = Files.writeString(dir.resolve(name), value + "\n");
            // bind-mounted as they are: the container's postgres (uid 999) reads them
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        }
        env = Map.of("PGWARDEN_IMAGE", images.runtime(), "PGWARDEN_NETWORK", "pgwarden-it-" + run,
                "POSTGRES_PORT", Integer.toString(TestPostgres.freePort()),
                "HEALTH_PORT_ON_HOST", Integer.toString(TestPostgres.freePort()),
                "PGBOUNCER_PORT", Integer.toString(TestPostgres.freePort()),
                "REPLICA_PORT", Integer.toString(TestPostgres.freePort()));
        compose("primary", "up", "-d");
        awaitHealthy("primary_postgres_1");
        compose("replica", "up", "-d");
        awaitHealthy("replica_replica_1");
    }

    @AfterAll
    void down() {
        if (stacks != null) {
            composeQuietly("replica", "down", "-v");
            composeQuietly("primary", "down", "-v");
            podman(Duration.ofMinutes(1), "network", "rm", "-f", "pgwarden-it-" + run);
        }
    }

    private String project(String stack) {
        return "pgw" + run + stack;
    }

    private String container(String name) {
        // podman-compose names containers <project>_<service>_<n>
        return "pgw" + run + name;
    }

    private ProcessResult composeQuietly(String stack, String... args) {
        List<String> command = new ArrayList<>(List.of("podman-compose", "-p", project(stack), "-f",
                stacks.resolve(stack).resolve("compose.yaml").toString()));
        command.addAll(List.of(args));
        Map<String, String> e = new HashMap<>(env);
        e.put("CONTAINERS_CONF", TestImages.containersConf());
        return new SystemProcessRunner().run(command, stacks.resolve(stack), e, Duration.ofMinutes(5));
    }

    private void compose(String stack, String... args) {
        ProcessResult r = composeQuietly(stack, args);
        assertThat(r.ok()).as("podman-compose %s %s:\n%s%s", stack, String.join(" ", args), r.stdout(), r.stderr()).isTrue();
    }

    private void awaitHealthy(String name) {
        String c = container(name);
        Awaitility.await().atMost(READY).pollInterval(Duration.ofSeconds(2)).until(() -> {
            ProcessResult state = podman(Duration.ofSeconds(30), "inspect", "--format", "{{.State.Running}}", c);
            if (state.ok() && !state.stdout().strip().equals("true")) {
                throw new AssertionError(c + " is not running:\n" + podman(Duration.ofSeconds(30), "logs", c).stderr());
            }
            return state.ok() && podman(Duration.ofSeconds(30), "healthcheck", "run", c).exitCode() == 0;
        });
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void theReplicaStreamsFromThePrimaryAndAClientAuthenticatesThroughPgBouncer() throws Exception {
        String primaryUrl = "jdbc:postgresql://127.0.0.1:" + env.get("POSTGRES_PORT") + "/app";
        try (Connection p = DriverManager.getConnection(primaryUrl, "app", secrets.get("postgres-password"))) {
            assertThat(one(p, "select application_name || ' ' || state from pg_stat_replication")).isEqualTo("replica1 streaming");
            try (Statement s = p.createStatement()) {
                s.execute("create table replicated(v text); insert into replicated values ('through the stream')");
            }
        }
        String replicaUrl = "jdbc:postgresql://127.0.0.1:" + env.get("REPLICA_PORT") + "/app";
        try (Connection r = DriverManager.getConnection(replicaUrl, "app", secrets.get("postgres-password"))) {
            assertThat(one(r, "select pg_is_in_recovery()::text")).isEqualTo("true");
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try (Statement s = r.createStatement();
                        ResultSet rs = s.executeQuery("select v from replicated")) {
                    return rs.next() && rs.getString(1).equals("through the stream");
                } catch (SQLException notYet) {
                    return false;
                }
            });
        }
        // PgBouncer looks app_user's SCRAM secret up with auth_query; a wrong password is refused
        String bouncerUrl = "jdbc:postgresql://127.0.0.1:" + env.get("PGBOUNCER_PORT") + "/app?preferQueryMode=simple";
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
            try (Connection b = DriverManager.getConnection(bouncerUrl, "app_user", secrets.get("app-user-password"))) {
                return one(b, "select current_user || ' ' || inet_server_port()").equals("app_user 5432");
            }
        });
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> DriverManager.getConnection(bouncerUrl, "app_user", "wrong").close()))
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
