package io.pgwarden.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.pg.SystemProcessRunner;
import io.pgwarden.testing.TestPostgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A supervised server's whole life on real PostgreSQL, Debian 15 and embedded 18: initdb with the
 * promised settings, a clean stop, a restart that keeps the data, and a SIGKILLed postmaster that
 * the supervisor brings back with the data intact.
 */
class LocalInstanceIT {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15, 18})
    void initStopRestartAndSurviveSigkill(int major) throws Exception {
        try (InstanceFixture fx = new InstanceFixture(major)) {
            InstanceConfig config = fx.config(TestPostgres.freePort());
            LocalInstance instance = fx.instance(config);

            LocalInstance.Prepared first = instance.prepare();
            assertThat(first.initialised()).isTrue();
            assertThat(first.passwordFile()).isEqualTo(config.dataDir().resolve("pgwarden.password"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.passwordFile()))).isEqualTo("rw-------");
            assertThat(Files.readString(config.dataDir().resolve("pg_hba.conf")))
                    .startsWith("# Managed by pgwarden")
                    .contains("host    all          all   127.0.0.1/32     scram-sha-256")
                    .doesNotContain("trust");
            String password = PasswordFile.read(first.passwordFile());
            ConnectionSpec spec = InstanceFixture.spec(config, password);

            Supervisor supervisor = instance.supervisor(fx.events::add);
            CompletableFuture<Supervisor.Outcome> run = fx.supervise(supervisor);
            await().atMost(WAIT).until(() -> !fx.events.isEmpty() || run.isDone());
            assertThat(fx.events.get(0).kind()).isEqualTo(Supervisor.Event.Kind.STARTED);

            try (Connection c = PgConnections.open(spec); Statement s = c.createStatement()) {
                ResultSet rs = s.executeQuery("SELECT current_setting('data_checksums'), (SELECT datcollate FROM pg_database WHERE datname = current_database()),"
                        + " current_setting('server_encoding'), current_setting('password_encryption'),"
                        + " current_setting('server_version_num')::int / 10000");
                rs.next();
                assertThat(List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                        .containsExactly("on", "C.UTF-8", "UTF8", "scram-sha-256", Integer.toString(major));
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('before restart')");
            }
            assertThatThrownBy(() -> PgConnections.open(InstanceFixture.spec(config, "wrong")).close())
                    .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28P01");

            assertThat(supervisor.requestStop()).isEqualTo(ShutdownMode.SMART);
            assertThat(run.get(2, TimeUnit.MINUTES)).isEqualTo(Supervisor.Outcome.STOPPED);
            assertThat(Files.readString(config.serverLog())).contains("database system is shut down");
            assertThat(config.dataDir().resolve("postmaster.pid")).doesNotExist();

            // second start: same directory, same password, the row is still there
            LocalInstance.Prepared second = instance.prepare();
            assertThat(second.initialised()).isFalse();
            assertThat(PasswordFile.read(second.passwordFile())).isEqualTo(password);
            fx.events.clear();
            Supervisor again = instance.supervisor(fx.events::add);
            CompletableFuture<Supervisor.Outcome> run2 = fx.supervise(again);
            await().atMost(WAIT).until(() -> !fx.events.isEmpty() || run2.isDone());
            assertThat(rows(spec)).containsExactly("before restart");
            execute(spec, "INSERT INTO kept VALUES ('before kill')");

            long pid = again.current().pid();
            new SystemProcessRunner().run(List.of("kill", "-s", "KILL", Long.toString(pid)), Duration.ofSeconds(10));
            await().atMost(WAIT).until(() -> fx.events.stream().anyMatch(e -> e.kind() == Supervisor.Event.Kind.RESTARTED)
                    || run2.isDone());
            assertThat(fx.events).extracting(Supervisor.Event::kind).containsExactly(Supervisor.Event.Kind.STARTED,
                    Supervisor.Event.Kind.CRASHED, Supervisor.Event.Kind.RESTARTED);
            assertThat(fx.events.get(1).reason()).startsWith("PostgreSQL (pid " + pid + ") exited with code 137 (signal 9)");
            assertThat(again.current().pid()).isNotEqualTo(pid);
            assertThat(rows(spec)).containsExactlyInAnyOrder("before restart", "before kill");

            assertThat(again.requestStop()).isEqualTo(ShutdownMode.SMART);
            assertThat(run2.get(2, TimeUnit.MINUTES)).isEqualTo(Supervisor.Outcome.STOPPED);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15})
    void aServerThatCannotComeBackIsGivenUpOn(int major) throws Exception {
        try (InstanceFixture fx = new InstanceFixture(major)) {
            InstanceConfig config = fx.config(TestPostgres.freePort()).withRestartPolicy(
                    new RestartPolicy(3, Duration.ofMinutes(5), Duration.ofMillis(100), Duration.ofSeconds(1)));
            LocalInstance instance = fx.instance(config);
            String password = PasswordFile.read(instance.prepare().passwordFile());
            Supervisor s = instance.supervisor(fx.events::add);
            CompletableFuture<Supervisor.Outcome> run = fx.supervise(s);
            await().atMost(WAIT).until(() -> !fx.events.isEmpty() || run.isDone());
            // a setting that stops every later start: the library does not exist
            execute(InstanceFixture.spec(config, password), "ALTER SYSTEM SET shared_preload_libraries = 'pgwarden_no_such_library'");
            new SystemProcessRunner().run(List.of("kill", "-s", "KILL", Long.toString(s.current().pid())), Duration.ofSeconds(10));

            assertThatThrownBy(() -> run.get(2, TimeUnit.MINUTES))
                    .hasCauseInstanceOf(PgWardenException.class)
                    .cause().hasMessage("PostgreSQL failed to start again: 4 crashes within 5m, more than the 3 restarts allowed; giving up."
                            + " Read the server log for the cause.")
                    .extracting(e -> ((PgWardenException) e).code()).isEqualTo(ErrorCode.POSTGRES_FAILED);
            assertThat(Files.readString(config.serverLog())).contains("pgwarden_no_such_library");
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15})
    void badInputIsRefusedBeforeAnythingIsWritten(int major) throws Exception {
        try (InstanceFixture fx = new InstanceFixture(major);
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            InstanceConfig config = fx.config(taken.getLocalPort());
            assertThatThrownBy(() -> fx.instance(config).prepare())
                    .hasMessageStartingWith("Port " + taken.getLocalPort() + " on 127.0.0.1 is already in use (is another PostgreSQL running?): ")
                    .hasMessageMatching("(?s).*\\. Choose a free port with --port(, e\\.g\\. --port \\d+)?\\.")
                    .extracting(e -> ((PgWardenException) e).code()).isEqualTo(ErrorCode.FAILED);
            assertThat(config.dataDir()).doesNotExist();

            Path foreign = Files.createDirectories(fx.base.resolve("photos"));
            Files.writeString(foreign.resolve("cat.jpg"), "meow");
            assertThatThrownBy(() -> fx.instance(InstanceConfig.local(foreign, TestPostgres.freePort())).prepare())
                    .hasMessage("--data-dir=" + foreign + ": the directory is not empty and is not a PostgreSQL data directory"
                            + " (no PG_VERSION); pgwarden will not initialise over existing files. Choose a new or empty directory.");
            try (var list = Files.list(foreign)) {
                assertThat(list.map(p -> p.getFileName().toString())).containsExactly("cat.jpg");
            }

            Path other = Files.createDirectories(fx.base.resolve("pg18"));
            Files.writeString(other.resolve("PG_VERSION"), "18\n");
            assertThatThrownBy(() -> fx.instance(InstanceConfig.local(other, TestPostgres.freePort())).prepare())
                    .hasMessageStartingWith("Data directory " + other + " was initialised by PostgreSQL 18, but the chosen"
                            + " binaries are PostgreSQL 15.")
                    .hasMessageEndingWith("Run with --pg-version 18 (or --pg-bin pointing at PostgreSQL 18), or upgrade the"
                            + " directory with pg_upgrade first.");
        }
    }

    private static List<String> rows(ConnectionSpec spec) throws SQLException {
        try (Connection c = PgConnections.open(spec); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM kept ORDER BY v")) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    private static void execute(ConnectionSpec spec, String sql) throws SQLException {
        try (Connection c = PgConnections.open(spec); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
