package io.pgwarden.testing;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.SystemProcessRunner;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * A real PgBouncer (Debian's /usr/sbin/pgbouncer) on a free loopback port, run as postgres through setpriv when
 * the tests run as root, with its configuration in a temporary directory owned by postgres. Trust authentication
 * (users listed in an auth_file), transaction pooling, admin console user {@code pgbouncer}.
 */
public final class TestPgBouncer implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/pgbouncer");
    /** PgBouncer binds within milliseconds; generous for a loaded CI machine. */
    private static final Duration START_WAIT = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;
    private final Process process;
    private final boolean ownsDir;

    private TestPgBouncer(Path dir, int port, Process process, boolean ownsDir) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.ownsDir = ownsDir;
    }

    /** Starts PgBouncer with one database {@code appdb} pointing at {@code host:port}'s database postgres. */
    public static TestPgBouncer start(String host, int targetPort) {
        try {
            Path dir = Files.createTempDirectory("pgwarden-pgbouncer-");
            int port = TestPostgres.freePort();
            Files.writeString(dir.resolve("userlist.txt"), "\"postgres\" \"\"\n\"pgbouncer\" \"\"\n");
            Files.writeString(dir.resolve("pgbouncer.ini"), """
                    ; test PgBouncer: pgwarden rewrites host/port below and keeps everything else
                    [databases]
                    appdb = host=%s port=%d dbname=postgres

                    [pgbouncer]
                    listen_addr = 127.0.0.1
                    listen_port = %d
                    unix_socket_dir = %s
                    auth_type = trust
                    auth_file = %s
                    admin_users = pgbouncer
                    pool_mode = transaction
                    ; pgjdbc sends it at login; PgBouncer 1.18 does not track it
                    ignore_startup_parameters = extra_float_digits
                    ; retry a failed server login after 1 s instead of 15 s, so clients follow a failover quickly
                    server_login_retry = 1
                    logfile = %s
                    pidfile = %s
                    """.formatted(host, targetPort, port, dir, dir.resolve("userlist.txt"), dir.resolve("pgbouncer.log"),
                    dir.resolve("pgbouncer.pid")));
            Privileges privileges = Privileges.detect(null);
            if (privileges.isRoot()) {
                var owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(Privileges.DEFAULT_SERVER_USER);
                for (Path p : List.of(dir, dir.resolve("userlist.txt"), dir.resolve("pgbouncer.ini"))) {
                    Files.setOwner(p, owner);
                }
            }
            Process process = new SystemProcessRunner().start(privileges.asServerUser(List.of(BINARY.toString(),
                    dir.resolve("pgbouncer.ini").toString())), dir, Map.of(), dir.resolve("stdout.log"));
            TestPgBouncer b = new TestPgBouncer(dir, port, process, true);
            Awaitility.await("PgBouncer listening on " + port).atMost(START_WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("PgBouncer exited: " + b.log());
                        }
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                            return true;
                        } catch (IOException e) {
                            return false;
                        }
                    });
            return b;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts PgBouncer with an ini someone else wrote (e.g. {@code pgwarden pgbouncer init}) in {@code dir}, which must be
     * readable by postgres when the tests run as root; it listens on {@code port}. {@link #close} stops it and leaves
     * the directory.
     */
    public static TestPgBouncer startWith(Path dir, int port) {
        Privileges privileges = Privileges.detect(null);
        Process process = new SystemProcessRunner().start(privileges.asServerUser(List.of(BINARY.toString(),
                dir.resolve("pgbouncer.ini").toString())), dir, Map.of(), dir.resolve("stdout.log"));
        TestPgBouncer b = new TestPgBouncer(dir, port, process, false);
        Awaitility.await("PgBouncer listening on " + port).atMost(START_WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("PgBouncer exited: " + readQuietly(dir.resolve("stdout.log")));
                    }
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
        return b;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    public Path ini() {
        return dir.resolve("pgbouncer.ini");
    }

    public int port() {
        return port;
    }

    /** The admin console, as {@code --pgbouncer-admin-url} would name it. */
    public ConnectionSpec adminSpec() {
        return ConnectionSpec.fromEnv(Map.of()).withHostPort("127.0.0.1", port).withUser("pgbouncer", null)
                .withDatabase("pgbouncer").withConnectTimeout(Duration.ofSeconds(10));
    }

    /** A client's view: database appdb through PgBouncer. */
    public ConnectionSpec clientSpec() {
        return ConnectionSpec.fromEnv(Map.of()).withHostPort("127.0.0.1", port).withUser("postgres", null)
                .withDatabase("appdb").withConnectTimeout(Duration.ofSeconds(10));
    }

    public String log() {
        try {
            return Files.readString(dir.resolve(ownsDir ? "pgbouncer.log" : "stdout.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsDir) {
            TestPostgres.deleteTree(dir);
        }
    }
}
