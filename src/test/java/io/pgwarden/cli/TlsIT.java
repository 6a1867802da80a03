package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.pg.tls.Pem;
import io.pgwarden.pg.tls.ServerCertificateProbe;
import io.pgwarden.testing.TestPostgres;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * TLS end to end on Debian 15: certificates from {@code pgwarden certs}, a primary {@code up --tls-dir --require-tls}
 * listening on 127.0.0.1 and 127.0.0.2 (127.0.0.2 stands for "the network": pgjdbc binds the client side to it, so
 * pg_hba.conf sees a non-loopback client), a replica {@code up --replica-of --tls-dir} that streams over TLS, and a
 * certificate renewed on disk that both servers serve after a reload, without dropping the replication stream.
 * One primary and one replica serve every test (ordered), to keep the suite lean.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String BIN = TestPostgres.DEBIAN_15.toString();
    private static final String NETWORK_CLIENT = "127.0.0.2";

    private static Path work;
    private static Path tls;
    private static UpProcess primary;
    private static UpProcess replica;
    private static int primaryPort;
    private static int replicaPort;
    private static String password;
    private static final List<String> secrets = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("pgwarden-tls-it-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        tls = work.resolve("tls");
        CliRun certs = CliRun.of(Map.of(), "certs", "--out", tls.toString(), "--hosts", "localhost,127.0.0.1," + NETWORK_CLIENT,
                "--client", "pgbouncer_auth");
        assertThat(certs.exitCode()).as(certs.err()).isZero();
        primaryPort = TestPostgres.freePort();
        replicaPort = TestPostgres.freePort();
        Path p = work.resolve("primary");
        primary = UpProcess.start(work, work.resolve("primary.err"), "--data-dir", p.toString(), "--port",
                Integer.toString(primaryPort), "--pg-bin", BIN, "--listen", "127.0.0.1," + NETWORK_CLIENT, "--allow",
                NETWORK_CLIENT + "/32", "--tls-dir", tls.toString(), "--require-tls", "--cert-users", "pgbouncer_auth",
                "--monitor-interval", "1s",
                "--health-port", Integer.toString(TestPostgres.freePort()));
        primary.awaitLine("ready:");
        password = Files.readString(p.resolve("pgwarden.password")).strip();
        secrets.add(password);
        secrets.add(keyBody(tls.resolve("server.key")));
        secrets.add(keyBody(tls.resolve("ca.key")));
        replica = UpProcess.start(work, work.resolve("replica.err"), "--data-dir", work.resolve("replica").toString(),
                "--port", Integer.toString(replicaPort), "--pg-bin", BIN, "--replica-of", "127.0.0.1:" + primaryPort,
                "--primary-password-file", p.resolve("pgwarden.password").toString(), "--node-name", "tls-replica",
                "--tls-dir", tls.toString(), "--monitor-interval", "1s");
        replica.awaitLine("ready:");
    }

    @AfterAll
    static void stop() throws Exception {
        if (replica != null) {
            replica.terminate();
        }
        if (primary != null) {
            primary.terminate();
        }
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static String keyBody(Path key) throws Exception {
        return Files.readString(key).lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow().substring(0, 24);
    }

    private static ConnectionSpec spec(String host, int port, String sslmode) {
        return ConnectionSpec.fromEnv(Map.of()).withHostPort(host, port).withDatabase("postgres").withUser("postgres", password)
                .withConnectTimeout(Duration.ofSeconds(10)).withSsl(sslmode, tls.resolve("ca.crt").toString());
    }

    /** A connection whose client side is bound to {@code from}: what pg_hba.conf matches the client against. */
    private static Connection connectFrom(String from, ConnectionSpec spec) throws SQLException {
        Properties props = spec.jdbcProperties();
        props.setProperty("localSocketAddress", from);
        return DriverManager.getConnection(spec.jdbcUrl(), props);
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    @Order(1)
    void verifyFullByHostNameWithTheCaConnects() throws Exception {
        try (Connection c = PgConnections.open(spec("localhost", primaryPort, "verify-full"))) {
            assertThat(one(c, "SELECT ssl::text || ' ' || version FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
                    .matches("true TLSv1\\.[23]");
            assertThat(one(c, "SHOW ssl_min_protocol_version")).isEqualTo("TLSv1.2");
        }
        // verify-full refuses a name the certificate does not carry
        assertThatThrownBy(() -> PgConnections.open(spec("127.0.0.3", primaryPort, "verify-full")).close())
                .isInstanceOf(SQLException.class);
        // the key in the data directory is the server user's, mode 0600, as PostgreSQL demands
        Path key = work.resolve("primary").resolve("pgwarden.server.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }

    @Test
    @Order(2)
    void underRequireTlsAPlainConnectionFromTheNetworkIsRefused() throws Exception {
        SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                () -> connectFrom(NETWORK_CLIENT, spec(NETWORK_CLIENT, primaryPort, "disable")).close());
        assertThat(refused.getMessage()).contains("pg_hba.conf rejects connection for host \"" + NETWORK_CLIENT + "\"")
                .contains("no encryption");
        try (Connection c = connectFrom(NETWORK_CLIENT, spec(NETWORK_CLIENT, primaryPort, "verify-full"))) {
            assertThat(one(c, "SELECT client_addr::text || ' ' || ssl FROM pg_stat_activity JOIN pg_stat_ssl USING (pid)"
                    + " WHERE pid = pg_backend_pid()")).isEqualTo(NETWORK_CLIENT + "/32 true");
        }
        assertThat(Files.readString(work.resolve("primary").resolve("pg_hba.conf")))
                .contains("hostssl all          all   " + NETWORK_CLIENT + "/32")
                .contains("hostnossl all        all   0.0.0.0/0        reject");
    }

    @Test
    @Order(3)
    void theReplicaStreamsOverTlsVerifyingThePrimary() throws Exception {
        try (Connection c = PgConnections.open(spec("127.0.0.1", primaryPort, "verify-full"))) {
            await().atMost(WAIT).until(() -> one(c, "SELECT count(*) FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid)"
                    + " WHERE r.application_name = 'tls-replica' AND r.state = 'streaming' AND s.ssl").equals("1"));
        }
        try (Connection c = PgConnections.open(spec("127.0.0.1", replicaPort, "verify-full"))) {
            assertThat(one(c, "SHOW primary_conninfo")).contains("sslmode=verify-full")
                    .contains("sslrootcert='" + work.resolve("replica").resolve("pgwarden.ca.crt") + "'");
        }
    }

    @Test
    @Order(4)
    void aRenewedCertificateIsServedAfterAReloadWithoutDroppingTheStream() throws Exception {
        String walSender;
        try (Connection c = PgConnections.open(spec("127.0.0.1", primaryPort, "verify-full"))) {
            walSender = one(c, "SELECT pid FROM pg_stat_replication WHERE application_name = 'tls-replica'");
        }
        BigInteger before = ServerCertificateProbe.fetch("127.0.0.1", primaryPort, Duration.ofSeconds(5)).orElseThrow()
                .getSerialNumber();
        // new names: certs reissues the server certificate (same CA), the agents notice and reload
        CliRun renew = CliRun.of(Map.of(), "certs", "--out", tls.toString(), "--hosts",
                "localhost,127.0.0.1," + NETWORK_CLIENT + ",db.test");
        assertThat(renew.out()).contains("renewed server: ").contains("kept ca: ");
        secrets.add(keyBody(tls.resolve("server.key")));
        BigInteger renewed = Pem.readCertificates(tls.resolve("server.crt")).get(0).getSerialNumber();
        assertThat(renewed).isNotEqualTo(before);
        for (int port : new int[] {primaryPort, replicaPort}) {
            await().atMost(WAIT).until(() -> ServerCertificateProbe.fetch("127.0.0.1", port, Duration.ofSeconds(5))
                    .orElseThrow().getSerialNumber().equals(renewed));
        }
        try (Connection c = PgConnections.open(spec("127.0.0.1", primaryPort, "verify-full"))) {
            assertThat(one(c, "SELECT pid || ' ' || state FROM pg_stat_replication WHERE application_name = 'tls-replica'"))
                    .isEqualTo(walSender + " streaming");
        }
    }

    @Test
    @Order(5)
    void healthReportsTheCertificatesExpiry() throws Exception {
        String healthUrl = primary.awaitLine("health:").split(" ")[1].replace("/readiness", "/health");
        HttpClient http = HttpClient.newHttpClient();
        String health = http.send(HttpRequest.newBuilder(URI.create(healthUrl)).build(), HttpResponse.BodyHandlers.ofString()).body();
        String notAfter = Pem.readCertificates(tls.resolve("server.crt")).get(0).getNotAfter().toInstant().toString();
        assertThat(health).contains("\"tls\"").contains(notAfter);
        String metrics = http.send(HttpRequest.newBuilder(URI.create(healthUrl.replace("/health", "/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("pgwarden_tls_certificate_expiry_timestamp_seconds");
        CliRun check = CliRun.of(Map.of("PGPASSWORD", password), "healthcheck", "--host", "127.0.0.1", "--port",
                Integer.toString(primaryPort));
        assertThat(check.exitCode()).as(check.out() + check.err()).isZero();
        CliRun warn = CliRun.of(Map.of("PGPASSWORD", password), "healthcheck", "--host", "127.0.0.1", "--port",
                Integer.toString(primaryPort), "--tls-expiry-warning", "400d");
        assertThat(warn.exitCode()).isEqualTo(1);
        assertThat(warn.out() + warn.err()).contains("expires on " + notAfter);
        secrets.forEach(s -> assertThat(health + metrics + check.out() + check.err() + warn.out() + warn.err())
                .doesNotContain(s));
    }

    /** The README's three commands: certs, up --tls-dir --require-tls --cert-users, pgbouncer init --server-tls-dir. */
    @Test
    @Order(6)
    void pgbouncerInitAgainstThisPrimaryPoolsOverTls() throws Exception {
        Path pgb = Files.createDirectories(work.resolve("pgbouncer"));
        if (io.pgwarden.pg.Privileges.detect(null).isRoot()) {
            var postgres = pgb.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(pgb, postgres);
            Files.setOwner(tls.resolve("client-pgbouncer_auth.key"), postgres); // PgBouncer runs as postgres
        }
        int port = TestPostgres.freePort();
        CliRun init = CliRun.of(Map.of(), "pgbouncer", "init", "--url", "postgresql://postgres@127.0.0.1:" + primaryPort
                + "/postgres", "--password-file", work.resolve("primary/pgwarden.password").toString(), "--server-tls-dir",
                tls.toString(), "--ini", pgb.resolve("pgbouncer.ini").toString(), "--listen-port", Integer.toString(port));
        assertThat(init.exitCode()).as(init.out() + init.err()).isZero();
        try (Connection c = PgConnections.open(spec("127.0.0.1", primaryPort, "verify-full")); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE app LOGIN");
            c.unwrap(org.postgresql.PGConnection.class).alterUserPassword("app", "app-Pw".toCharArray(), "scram-sha-256");
        }
        secrets.add("app-Pw");
        try (io.pgwarden.testing.TestPgBouncer bouncer = io.pgwarden.testing.TestPgBouncer.startWith(pgb, port)) {
            ConnectionSpec app = ConnectionSpec.fromEnv(Map.of()).withHostPort("127.0.0.1", port).withUser("app", "app-Pw")
                    .withDatabase("postgres").withConnectTimeout(Duration.ofSeconds(10)).withSsl("disable", null);
            try (Connection c = PgConnections.open(app)) {
                assertThat(one(c, "SELECT current_user || ' ' || ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
                        .isEqualTo("app true");
            }
            secrets.forEach(sec -> assertThat(bouncer.log()).doesNotContain(sec));
        }
        assertThat(Files.readString(work.resolve("primary/pg_hba.conf")))
                .contains("hostssl all          pgbouncer_auth 127.0.0.1/32     cert");
    }

    @Test
    @Order(7)
    void noKeyOrPasswordInAnyOutputOrLog() throws Exception {
        StringBuilder all = new StringBuilder(String.join("\n", primary.lines)).append(String.join("\n", replica.lines));
        for (String f : List.of("primary.err", "replica.err", "primary/log/postgresql.log", "replica/log/postgresql.log")) {
            Path file = work.resolve(f);
            if (Files.exists(file)) {
                all.append(Files.readString(file));
            }
        }
        all.append(CliRun.of(Map.of(), "up", "--help").out()).append(CliRun.of(Map.of(), "certs", "--help").out());
        assertThat(all.toString()).contains("TLS certificate ").contains("PostgreSQL reloaded");
        for (String s : secrets) {
            assertThat(all.toString()).doesNotContain(s);
        }
    }
}
