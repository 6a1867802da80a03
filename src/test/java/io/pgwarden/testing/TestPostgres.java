package io.pgwarden.testing;

import io.pgwarden.core.PgVersion;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.EmbeddedBinaries;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.ProcessRunner;
import io.pgwarden.pg.SystemProcessRunner;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for integration tests, in a temporary directory on a free loopback
 * port, started with pg_ctl (as the {@code postgres} user through setpriv when the tests run as
 * root). Trust authentication on loopback, replication allowed. {@link #shared()} gives one server
 * per test JVM; tests isolate themselves with their own databases ({@link #createDatabase}).
 */
public final class TestPostgres implements AutoCloseable {
    /** Debian's full installation (server and every client tool). */
    public static final Path DEBIAN_15 = Path.of("/usr/lib/postgresql/15/bin");
    /** Starting or stopping a cluster takes about a second; a loaded 2-core CI machine may need far more. */
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(120);

    private static TestPostgres shared;

    private final Path binDir;
    private final Path baseDir;
    private final Path dataDir;
    private final int port;
    private final ProcessRunner runner = new SystemProcessRunner();
    private final Privileges privileges = Privileges.detect(null);

    private TestPostgres(Path binDir, Path baseDir, int port) {
        this.binDir = binDir;
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.port = port;
    }

    /** One Debian 15 server for the whole test JVM, stopped at JVM exit. */
    public static synchronized TestPostgres shared() {
        if (shared == null) {
            shared = start(DEBIAN_15, Map.of());
            TestPostgres s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return shared;
    }

    /**
     * The bin directory of the embedded (Maven Central) PostgreSQL {@code major}, unpacked into pgwarden's
     * cache on first use by the production {@link EmbeddedBinaries}; server programs only (no psql,
     * pg_basebackup). Pass it to {@link #start(Path, Map)}.
     */
    public static Path embedded(int major) {
        return EmbeddedBinaries.defaults(System.getenv(), System.err).install(new PgVersion(major)).binDir();
    }

    /** Initialises and starts a new server of the embedded {@code major} with extra settings. */
    public static TestPostgres startEmbedded(int major, Map<String, String> settings) {
        return start(embedded(major), settings);
    }

    /** Initialises and starts a new server from {@code binDir} with extra {@code -c} settings. */
    public static TestPostgres start(Path binDir, Map<String, String> settings) {
        try {
            Path base = Files.createTempDirectory("pgwarden-it-");
            TestPostgres pg = new TestPostgres(binDir, base, freePort());
            pg.init();
            pg.configure(settings);
            pg.startServer();
            return pg;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void init() throws IOException {
        chownToServerUser(baseDir);
        run(List.of(binDir.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", "postgres",
                "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--data-checksums", "--no-sync"));
    }

    private void configure(Map<String, String> settings) throws IOException {
        StringBuilder conf = new StringBuilder("\n# pgwarden test settings\n")
                .append("listen_addresses = '127.0.0.1'\n")
                .append("port = ").append(port).append('\n')
                .append("unix_socket_directories = '").append(baseDir).append("'\n")
                .append("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
                .append("max_connections = 100\nmax_wal_senders = 10\nmax_replication_slots = 10\n")
                .append("wal_level = replica\nhot_standby = on\n");
        settings.forEach((k, v) -> conf.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
        Files.writeString(dataDir.resolve("postgresql.conf"), conf, java.nio.file.StandardOpenOption.APPEND);
    }

    public void startServer() {
        run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l",
                baseDir.resolve("server.log").toString(), "-w", "-t", "110", "start"));
    }

    public void stopServer(String mode) {
        run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", mode, "-w", "-t", "110", "stop"));
    }

    private void run(List<String> command) {
        ProcessResult r = runner.run(privileges.asServerUser(command), baseDir, Map.of("LC_ALL", "C.UTF-8"), PG_CTL_TIMEOUT);
        if (!r.ok()) {
            throw new IllegalStateException(command.get(0) + " failed (" + r.exitCode() + "): " + r.tail(20)
                    + "\nserver log: " + serverLogTail());
        }
    }

    private String serverLogTail() {
        try {
            Path log = baseDir.resolve("server.log");
            if (!Files.exists(log)) {
                return "(none)";
            }
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private void chownToServerUser(Path path) throws IOException {
        if (privileges.isRoot()) {
            var lookup = path.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(path, lookup.lookupPrincipalByName(Privileges.DEFAULT_SERVER_USER));
        }
    }

    /** Superuser connection to database {@code postgres}. */
    public ConnectionSpec spec() {
        return ConnectionSpec.fromEnv(Map.of()).withHostPort("127.0.0.1", port).withDatabase("postgres")
                .withUser("postgres", null).withConnectTimeout(Duration.ofSeconds(10));
    }

    public Connection connect() throws SQLException {
        return PgConnections.open(spec());
    }

    /** Creates a fresh database with a unique name derived from {@code prefix} and returns its spec. */
    public ConnectionSpec createDatabase(String prefix) {
        String name = (prefix + "_" + Long.toHexString(System.nanoTime())).toLowerCase(java.util.Locale.ROOT);
        execute("CREATE DATABASE " + name);
        return spec().withDatabase(name);
    }

    public void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path binDir() {
        return binDir;
    }

    public Path baseDir() {
        return baseDir;
    }

    @Override
    public void close() {
        try {
            if (Files.exists(dataDir.resolve("postmaster.pid"))) {
                stopServer("immediate");
            }
        } catch (RuntimeException e) {
            // best effort at shutdown; the directory is removed below either way
        }
        deleteTree(baseDir);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // temporary directory; leave what could not be removed
        }
    }
}
