package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.core.Clock;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.tls.CertificateIssuer;
import io.pgwarden.pg.tls.CertsCommand;
import io.pgwarden.pg.tls.CertsRequest;
import io.pgwarden.testing.TestPgBouncer;
import io.pgwarden.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code pgwarden pgbouncer init} against a real PostgreSQL 15 that asks for SCRAM passwords on TCP, and a real
 * PgBouncer 1.18 started with the ini and userlist init wrote. One server and one PgBouncer serve every test (ordered).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgBouncerInitIT {
    private static final String SUPERUSER_PASSWORD = "su-Pa55:w\\rd*";
    private static TestPostgres pg;
    private static Path dir;
    private static Path tls;
    private static TestPgBouncer bouncer;
    private static int bouncerPort;
    private static CliRun first;
    private static final List<String> secrets = new ArrayList<>(List.of(SUPERUSER_PASSWORD));

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("pgwarden-pgbouncer-init-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        tls = dir.resolve("tls");
        // the auth user logs in to PostgreSQL with a client certificate: PgBouncer cannot log in with a SCRAM verifier
        new CertsCommand(new CertificateIssuer(), Clock.SYSTEM).execute(new CertsRequest(tls, null,
                List.of("localhost", "127.0.0.1"), 30, List.of("pgbouncer_auth")));
        if (Privileges.detect(null).isRoot()) {
            var postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            try (var files = Files.walk(dir)) {
                for (Path f : files.toList()) {
                    Files.setOwner(f, postgres);
                }
            }
        }
        pg = TestPostgres.start(TestPostgres.DEBIAN_15, Map.of("ssl", "on", "ssl_cert_file", tls.resolve("server.crt").toString(),
                "ssl_key_file", tls.resolve("server.key").toString(), "ssl_ca_file", tls.resolve("ca.crt").toString()));
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            c.unwrap(org.postgresql.PGConnection.class).alterUserPassword("postgres", SUPERUSER_PASSWORD.toCharArray(),
                    "scram-sha-256");
            s.execute("CREATE TABLE app_data (secret text)");
            s.execute("CREATE DATABASE second");
        }
        // TCP clients must now give a SCRAM password, except the auth user, which shows its certificate (over TLS)
        Path hba = pg.dataDir().resolve("pg_hba.conf");
        Files.writeString(hba, "local all all trust\nhostssl all pgbouncer_auth 127.0.0.1/32 cert\n"
                + "host all all 127.0.0.1/32 scram-sha-256\n");
        pg.execute("SELECT pg_reload_conf()");
        Files.writeString(dir.resolve("su.password"), SUPERUSER_PASSWORD + "\n");
        bouncerPort = TestPostgres.freePort();
        first = init();
        bouncer = TestPgBouncer.startWith(dir, bouncerPort);
    }

    @AfterAll
    static void stop() throws Exception {
        if (bouncer != null) {
            bouncer.close();
        }
        if (pg != null) {
            pg.close();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static CliRun init() {
        return CliRun.of(Map.of(), "pgbouncer", "init", "--url", "postgresql://postgres@127.0.0.1:" + pg.port() + "/postgres",
                "--password-file", dir.resolve("su.password").toString(), "--ini", dir.resolve("pgbouncer.ini").toString(),
                "--listen-port", Integer.toString(bouncerPort), "--server-tls-dir", tls.toString());
    }

    private static ConnectionSpec viaBouncer(String user, String password, String db) {
        return ConnectionSpec.fromEnv(Map.of()).withHostPort("127.0.0.1", bouncerPort).withUser(user, password)
                .withDatabase(db).withConnectTimeout(Duration.ofSeconds(10)).withSsl("disable", null);
    }

    private static ConnectionSpec direct() {
        return pg.spec().withUser("postgres", SUPERUSER_PASSWORD);
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    @Order(1)
    void initCreatesTheRoleTheFunctionsAndTheFiles() throws Exception {
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("created role pgbouncer_auth: LOGIN only, password set (scram-sha-256)")
                .contains("created function pgbouncer.get_auth(text) in postgres: SECURITY DEFINER, search_path pinned,"
                        + " EXECUTE for pgbouncer_auth only")
                .contains("created function pgbouncer.get_auth(text) in second")
                .contains("created function pgbouncer.get_auth(text) in template1")
                .contains("created userlist " + dir.resolve("userlist.txt") + ": the SCRAM verifier of pgbouncer_auth")
                .contains("created ini " + dir.resolve("pgbouncer.ini") + ": a complete ini: port " + bouncerPort);
        String verifier;
        try (Connection c = PgConnections.open(direct())) {
            verifier = one(c, "SELECT rolpassword FROM pg_authid WHERE rolname = 'pgbouncer_auth'");
        }
        secrets.add(verifier);
        assertThat(verifier).startsWith("SCRAM-SHA-256$");
        assertThat(Files.readString(dir.resolve("userlist.txt"))).isEqualTo("\"pgbouncer_auth\" \"" + verifier + "\"\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("userlist.txt")))).isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("pgbouncer.ini"))).contains("* = host=127.0.0.1 port=" + pg.port())
                .contains("auth_type = scram-sha-256").contains("auth_user = pgbouncer_auth")
                .contains("auth_query = SELECT usename, passwd FROM pgbouncer.get_auth($1)").contains("pool_mode = transaction")
                .contains("server_tls_sslmode = verify-full").contains("server_tls_cert_file = " + tls.resolve("client-pgbouncer_auth.crt"));
    }

    @Test
    @Order(2)
    void aUserCreatedAfterInitLogsInThroughPgBouncerAndAWrongPasswordIsRefused() throws Exception {
        try (Connection c = PgConnections.open(direct()); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE app LOGIN");
            c.unwrap(org.postgresql.PGConnection.class).alterUserPassword("app", "app-secret".toCharArray(), "scram-sha-256");
        }
        secrets.add("app-secret");
        for (String db : List.of("postgres", "second")) {
            try (Connection c = PgConnections.open(viaBouncer("app", "app-secret", db))) {
                assertThat(one(c, "SELECT current_user || '@' || current_database() || ' ' || ssl FROM pg_stat_ssl"
                        + " WHERE pid = pg_backend_pid()")).isEqualTo("app@" + db + " true");
            }
        }
        SQLException wrong = assertThrows(SQLException.class,
                () -> PgConnections.open(viaBouncer("app", "not-the-password", "postgres")).close());
        assertThat(wrong.getMessage()).isEqualTo("FATAL: SASL authentication failed");
        // a superuser is never authenticated through the pooler
        SQLException su = assertThrows(SQLException.class,
                () -> PgConnections.open(viaBouncer("postgres", SUPERUSER_PASSWORD, "postgres")).close());
        assertThat(su.getMessage()).isEqualTo("FATAL: no such user");
    }

    @Test
    @Order(3)
    void theAuthRoleReadsNoTableAndCallsOnlyTheLookup() throws Exception {
        try (Connection c = PgConnections.open(direct()); Statement s = c.createStatement()) {
            s.execute("SET ROLE pgbouncer_auth");
            assertThat(one(c, "SELECT usename || ' ' || left(passwd, 14) FROM pgbouncer.get_auth('app')"))
                    .isEqualTo("app SCRAM-SHA-256$");
            assertThat(one(c, "SELECT count(*) FROM pgbouncer.get_auth('postgres')")).isEqualTo("0");
            for (String sql : List.of("SELECT * FROM app_data", "SELECT * FROM pg_authid", "SELECT * FROM pg_shadow",
                    "SELECT pg_read_file('PG_VERSION')", "CREATE TABLE pgbouncer.x (i int)", "CREATE TABLE public.x (i int)")) {
                SQLException denied = assertThrows(SQLException.class, () -> one(c, sql), sql);
                assertThat(denied.getSQLState()).as(sql).isEqualTo("42501");
            }
            s.execute("RESET ROLE");
            // no grant of any kind except EXECUTE on the lookup function (and USAGE on its schema)
            assertThat(one(c, "SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = 'pgbouncer_auth'"))
                    .isEqualTo("0");
            assertThat(one(c, "SELECT string_agg(routine_schema || '.' || routine_name || ' ' || privilege_type, ',')"
                    + " FROM information_schema.role_routine_grants WHERE grantee = 'pgbouncer_auth'"))
                    .isEqualTo("pgbouncer.get_auth EXECUTE");
            assertThat(one(c, "SELECT count(*) FROM pg_proc p WHERE has_function_privilege('pgbouncer_auth', p.oid, 'EXECUTE')"
                    + " AND NOT has_function_privilege('public', p.oid, 'EXECUTE')")).isEqualTo("1");
            assertThat(one(c, "SELECT rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls"
                    + " FROM pg_roles WHERE rolname = 'pgbouncer_auth'")).isEqualTo("f");
            assertThat(one(c, "SELECT prosecdef::text || ' ' || array_to_string(proconfig, ',') || ' '"
                    + " || pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'get_auth'"))
                    .isEqualTo("true search_path=pg_catalog, pg_temp postgres");
        }
    }

    @Test
    @Order(4)
    void initTwiceChangesNothingTheSecondTime() throws Exception {
        String ini = Files.readString(dir.resolve("pgbouncer.ini"));
        String list = Files.readString(dir.resolve("userlist.txt"));
        var iniTime = Files.getLastModifiedTime(dir.resolve("pgbouncer.ini"));
        String before;
        try (Connection c = PgConnections.open(direct())) {
            before = one(c, "SELECT string_agg(xmin::text, ',') FROM (SELECT xmin FROM pg_authid WHERE rolname ="
                    + " 'pgbouncer_auth' UNION ALL SELECT xmin FROM pg_proc WHERE proname = 'get_auth') x");
        }
        CliRun again = init();
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out().lines()).allMatch(l -> l.startsWith("unchanged "), "every line unchanged").hasSize(6);
        assertThat(Files.readString(dir.resolve("pgbouncer.ini"))).isEqualTo(ini);
        assertThat(Files.readString(dir.resolve("userlist.txt"))).isEqualTo(list);
        assertThat(Files.getLastModifiedTime(dir.resolve("pgbouncer.ini"))).isEqualTo(iniTime);
        try (Connection c = PgConnections.open(direct())) {
            assertThat(one(c, "SELECT string_agg(xmin::text, ',') FROM (SELECT xmin FROM pg_authid WHERE rolname ="
                    + " 'pgbouncer_auth' UNION ALL SELECT xmin FROM pg_proc WHERE proname = 'get_auth') x")).isEqualTo(before);
        }
        secrets.forEach(s -> assertThat(again.out() + again.err()).doesNotContain(s));
    }

    @Test
    @Order(5)
    void noPasswordOrVerifierInAnyOutput() throws Exception {
        String all = first.out() + first.err() + CliRun.of(Map.of(), "pgbouncer", "init", "--help").out()
                + CliRun.of(Map.of(), "pgbouncer", "init", "--url", "postgresql://postgres:" + "wrong-one@127.0.0.1:"
                        + pg.port() + "/postgres", "--ini", dir.resolve("other.ini").toString()).err()
                + bouncer.log() + Files.readString(dir.resolve("pgbouncer.ini"));
        for (String s : secrets) {
            assertThat(all).doesNotContain(s);
        }
        assertThat(all).doesNotContain("wrong-one");
        String key = Files.readString(tls.resolve("client-pgbouncer_auth.key")).lines().filter(l -> !l.startsWith("-----"))
                .findFirst().orElseThrow();
        assertThat(all).doesNotContain(key.substring(0, 16));
    }
}
