package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.SystemProcessRunner;
import io.pgwarden.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pgwarden started as the unprivileged {@code postgres} user, as in a container with {@code USER postgres}: it
 * runs PostgreSQL as itself, the postmaster its direct child with no setpriv in between, and it names the path
 * and the fix when it is given a directory that user cannot use. The test JVM runs as root and starts the
 * packaged jar through setpriv; {@code up} and then {@code run} share one data directory (one initdb).
 */
class UnprivilegedIT {
    /** initdb, a start, an HTTP probe on a shared 2-core machine. */
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static Path base;
    private static Path dist;
    private static Path home;
    private static long postgresUid;

    @BeforeAll
    static void distributionAndHome() throws IOException {
        assumeTrue(Privileges.detect(null).isRoot(), "starting pgwarden as postgres through setpriv needs root");
        base = Files.createTempDirectory("pgwarden-nonroot-it-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        dist = PostgresUserJvm.distribution(base.resolve("dist"));
        home = Files.createDirectory(base.resolve("home"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        chown(home, PostgresUserJvm.USER, PostgresUserJvm.USER);
        postgresUid = ((Number) Files.getAttribute(home, "unix:uid")).longValue();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (base == null) {
            return;
        }
        try (var paths = Files.walk(base)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void upAndRunStartPostgresAsTheirOwnChildAndStopItOnSigterm() throws Exception {
        int port = TestPostgres.freePort();
        Path data = home.resolve("data");
        Path password = data.resolve("pgwarden.password");
        try (PostgresUserJvm up = PostgresUserJvm.start(dist, home, base.resolve("up.err"), "up", "--data-dir",
                data.toString(), "--port", Integer.toString(port), "--pg-bin", TestPostgres.DEBIAN_15.toString(),
                "--memory", "1GB", "--cpus", "2")) {
            assertThat(up.awaitLine("ready:")).isEqualTo("ready: postgresql://postgres@127.0.0.1:" + port
                    + "/postgres (password file: " + password + ")");
            assertThat(ownerUid(up.pid())).as("pgwarden itself runs as postgres").isEqualTo(postgresUid);
            assertThat(Files.getOwner(data).getName()).isEqualTo("postgres");
            assertThat(Files.getOwner(password).getName()).isEqualTo("postgres");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(password))).isEqualTo("rw-------");
            assertThat(query(port, Files.readString(password).strip(), "SELECT current_user")).isEqualTo("postgres");
            long postmaster = assertPostmasterIsChildOf(up.pid(), data);
            assertThat(up.terminate()).as(up.stderr()).isZero();
            assertThat(ProcessHandle.of(postmaster).filter(ProcessHandle::isAlive)).as("postmaster after exit").isEmpty();
        }

        // the container's entrypoint on the same directory: health over HTTP, SIGTERM ends it with exit 0
        int healthPort = TestPostgres.freePort();
        try (PostgresUserJvm run = PostgresUserJvm.start(dist, home, base.resolve("run.err"), "run", "--data-dir",
                data.toString(), "--port", Integer.toString(port), "--listen", "127.0.0.1", "--pg-bin",
                TestPostgres.DEBIAN_15.toString(), "--memory", "1GB", "--cpus", "2", "--health-address", "127.0.0.1",
                "--health-port", Integer.toString(healthPort))) {
            await().atMost(WAIT).until(() -> httpStatus(healthPort, "/readiness") == 200 || !run.process.isAlive());
            assertThat(run.process.isAlive()).as(run.stderr()).isTrue();
            long postmaster = assertPostmasterIsChildOf(run.pid(), data);
            assertThat(run.terminate()).as(run.stderr()).isZero();
            assertThat(ProcessHandle.of(postmaster).filter(ProcessHandle::isAlive)).as("postmaster after exit").isEmpty();
        }
        assertThat(data.resolve("postmaster.pid")).doesNotExist();
        String control = new SystemProcessRunner().run(List.of(TestPostgres.DEBIAN_15.resolve("pg_controldata").toString(),
                data.toString()), Duration.ofSeconds(60)).stdout();
        assertThat(control).contains("Database cluster state:               shut down");
    }

    @Test
    void directoriesPostgresCannotUseAreRefusedWithThePathAndTheFix() throws Exception {
        // a data directory below a root-owned 0755 directory: postgres cannot create it
        Path rootOnly = Files.createDirectory(base.resolve("root-only"));
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path wanted = rootOnly.resolve("data");
        try (PostgresUserJvm up = PostgresUserJvm.start(dist, home, base.resolve("root-only.err"), "up", "--data-dir",
                wanted.toString(), "--port", Integer.toString(TestPostgres.freePort()), "--pg-bin",
                TestPostgres.DEBIAN_15.toString())) {
            assertThat(up.awaitExit()).as(up.stderr()).isEqualTo(8);
            assertThat(up.stderr().lines()).contains("error: --data-dir=" + wanted + ": pgwarden runs as 'postgres' (uid "
                    + postgresUid + "), not root, and cannot create this directory: " + rootOnly + " (owner root, mode"
                    + " rwxr-xr-x) does not let 'postgres' create entries in it. Create " + wanted + " for 'postgres'"
                    + " beforehand (as root: mkdir -p " + wanted + " && chown postgres " + wanted + "), or choose a"
                    + " --data-dir in a directory 'postgres' can write.");
        }
        assertThat(wanted).doesNotExist();

        // a password file in a directory postgres may not even enter: refused before initdb, nothing kept
        Path rootPrivate = Files.createDirectory(base.resolve("root-private"));
        Files.setPosixFilePermissions(rootPrivate, PosixFilePermissions.fromString("rwx------"));
        Path data = home.resolve("with-outside-password");
        Path passwordFile = rootPrivate.resolve("pgwarden.password");
        try (PostgresUserJvm up = PostgresUserJvm.start(dist, home, base.resolve("root-private.err"), "up", "--data-dir",
                data.toString(), "--password-file", passwordFile.toString(), "--port",
                Integer.toString(TestPostgres.freePort()), "--pg-bin", TestPostgres.DEBIAN_15.toString())) {
            assertThat(up.awaitExit()).as(up.stderr()).isEqualTo(8);
            assertThat(up.stderr().lines()).contains("error: --password-file=" + passwordFile + ": pgwarden runs as"
                    + " 'postgres' (uid " + postgresUid + "), not root, and cannot create this file: " + rootPrivate
                    + " (owner root, mode rwx------) does not let 'postgres' enter it. Choose a --password-file in a"
                    + " directory 'postgres' can write, or leave the flag out to keep the password file in the data"
                    + " directory.");
        }
        assertThat(data).doesNotExist();

        // an empty volume mounted root-owned: PostgreSQL would refuse it, and postgres cannot chown it
        Path volume = Files.createDirectory(base.resolve("volume"));
        Files.setPosixFilePermissions(volume, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (PostgresUserJvm run = PostgresUserJvm.start(dist, home, base.resolve("volume.err"), "run", "--data-dir",
                volume.toString(), "--port", Integer.toString(TestPostgres.freePort()), "--listen", "127.0.0.1",
                "--pg-bin", TestPostgres.DEBIAN_15.toString(), "--health-address", "127.0.0.1", "--health-port",
                Integer.toString(TestPostgres.freePort()))) {
            assertThat(run.awaitExit()).as(run.stderr()).isEqualTo(8);
            assertThat(run.stderr().lines()).contains("error: --data-dir=" + volume + ": the directory is owned by root"
                    + " (uid 0), but pgwarden runs as 'postgres' (uid " + postgresUid + "), not root, so PostgreSQL runs"
                    + " as 'postgres' too and starts only on a data directory owned by the user it runs as; without root,"
                    + " pgwarden cannot change the owner. Give the directory to 'postgres' (as root: chown -R postgres "
                    + volume + "), or choose another --data-dir.");
        }
        try (var left = Files.list(volume)) {
            assertThat(left).as("nothing written to the volume").isEmpty();
        }

        // the same volume group-writable for postgres (Kubernetes fsGroup): a subdirectory is the way
        chown(volume, "root", PostgresUserJvm.USER);
        Files.setPosixFilePermissions(volume, PosixFilePermissions.fromString("rwxrwx---"));
        try (PostgresUserJvm up = PostgresUserJvm.start(dist, home, base.resolve("group-volume.err"), "up",
                "--data-dir", volume.toString(), "--port", Integer.toString(TestPostgres.freePort()), "--pg-bin",
                TestPostgres.DEBIAN_15.toString())) {
            assertThat(up.awaitExit()).as(up.stderr()).isEqualTo(8);
            assertThat(up.stderr().lines()).anySatisfy(l -> assertThat(l).startsWith("error: --data-dir=" + volume
                    + ": the directory is owned by root (uid 0), but pgwarden runs as 'postgres'").endsWith(
                    " pgwarden cannot change the owner. Use a subdirectory that pgwarden creates itself, e.g. --data-dir="
                    + volume.resolve("pgdata") + ", or give the directory to 'postgres' (as root: chown -R postgres "
                    + volume + "), or choose another --data-dir."));
        }
    }

    @Test
    void aUidWithoutAUserNameIsRefusedBeforeInitdb() throws Exception {
        // docker run --user 12345, OpenShift's arbitrary uids: initdb and postgres cannot look the uid up
        long uid = 54321;
        assumeTrue(Files.readAllLines(Path.of("/etc/passwd")).stream().noneMatch(l -> l.split(":")[2].equals(Long.toString(uid))),
                "uid " + uid + " must have no passwd entry");
        Path anonymous = Files.createDirectory(base.resolve("anonymous"));
        Files.setOwner(anonymous, anonymous.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(
                Long.toString(uid)));
        Path data = anonymous.resolve("data");
        try (PostgresUserJvm up = PostgresUserJvm.startAsUid(uid, dist, anonymous, base.resolve("anonymous.err"), "up",
                "--data-dir", data.toString(), "--port", Integer.toString(TestPostgres.freePort()), "--pg-bin",
                TestPostgres.DEBIAN_15.toString())) {
            assertThat(up.awaitExit()).as(up.stderr()).isEqualTo(8);
            assertThat(up.stderr().lines()).contains("error: pgwarden runs as uid " + uid + ", which has no user name (no"
                    + " entry in /etc/passwd), and PostgreSQL's initdb and postgres refuse to run under a uid they cannot"
                    + " look up. Run with a uid the image knows (e.g. docker run --user postgres, or runAsUser set to the"
                    + " postgres uid), or add an entry for uid " + uid + " before starting pgwarden (e.g. 'postgres:x:"
                    + uid + ":0::/var/lib/postgresql:/bin/sh' appended to a group-writable /etc/passwd, or nss_wrapper).");
        }
        assertThat(data).doesNotExist();
    }

    /** The postmaster (from postmaster.pid) runs as postgres and its parent is the pgwarden JVM itself. */
    private static long assertPostmasterIsChildOf(long jvm, Path data) throws IOException {
        long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
        assertThat(status(postmaster, "Name")).isEqualTo("postgres");
        assertThat(ownerUid(postmaster)).isEqualTo(postgresUid);
        assertThat(Long.parseLong(status(postmaster, "PPid"))).as("parent of the postmaster").isEqualTo(jvm);
        assertThat(status(jvm, "Name")).as("no setpriv in between").isEqualTo("java");
        return postmaster;
    }

    /** The real uid of a process ({@code Uid:} in /proc/PID/status: real, effective, saved, filesystem; all equal here). */
    private static long ownerUid(long pid) throws IOException {
        String[] uids = status(pid, "Uid").split("\\s+");
        assertThat(uids).as("real, effective, saved and file-system uid of %d", pid).containsOnly(uids[0]);
        return Long.parseLong(uids[0]);
    }

    private static String status(long pid, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith(field + ":")).findFirst()
                .map(l -> l.substring(field.length() + 1).strip())
                .orElseThrow(() -> new AssertionError("no " + field + " in /proc/" + pid + "/status"));
    }

    private static int httpStatus(int healthPort, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + path))
                .timeout(Duration.ofSeconds(30)).GET().build();
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String query(int port, String password, String sql) throws Exception {
        ConnectionSpec spec = ConnectionSpec.fromEnv(Map.of()).withHostPort("127.0.0.1", port).withDatabase("postgres")
                .withUser("postgres", password).withConnectTimeout(Duration.ofSeconds(10));
        try (Connection c = PgConnections.open(spec); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void chown(Path path, String user, String group) throws IOException {
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName(user));
        view.setGroup(users.lookupPrincipalByGroupName(group));
    }
}
