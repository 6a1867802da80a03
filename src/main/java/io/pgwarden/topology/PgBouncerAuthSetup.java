package io.pgwarden.topology;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.pg.SqlIdentifiers;
import io.pgwarden.topology.PgBouncerAuthResult.Change;
import io.pgwarden.topology.PgBouncerAuthResult.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code pgwarden pgbouncer init}: makes PgBouncer authenticate every user through PostgreSQL. On the primary, as a
 * superuser: the auth role (LOGIN and nothing else; its password set as a SCRAM verifier computed here, so the
 * password never reaches the server's logs), and in each database the {@link PgBouncerAuthQuery lookup function};
 * then the auth role's line in userlist.txt (the verifier itself: PgBouncer logs in to PostgreSQL with it, no
 * plain password is stored anywhere) and the {@code auth_*} lines of pgbouncer.ini. Idempotent: what is already as
 * wanted is left alone and reported {@code unchanged}.
 */
public final class PgBouncerAuthSetup {
    public static final String DEFAULT_AUTH_USER = "pgbouncer_auth";
    public static final int DEFAULT_PORT = 6432;
    private static final String ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT";

    /**
     * @param primary      superuser connection to the primary (its database is the first one set up)
     * @param authUser     the role PgBouncer runs {@code auth_query} as
     * @param authPassword its password, or null to keep the current one (a random one for a new role)
     * @param ini          pgbouncer.ini (created when missing)
     * @param userlist     userlist.txt ({@code auth_file})
     * @param databases    databases to set up; empty for every database that accepts connections, and template1
     *                     (so databases created later have the function too)
     * @param target       where {@code [databases]} of a new ini points (the primary)
     * @param listen       {@code listen_addr} of a new ini
     * @param port         {@code listen_port} of a new ini
     * @param serverTlsDir where {@code pgwarden certs} wrote ca.crt and client-AUTHUSER.crt/.key: PgBouncer then
     *                     connects to PostgreSQL over TLS, verifying it, and the auth user logs in with that
     *                     certificate (PgBouncer cannot log in with a SCRAM verifier, only pass a client's through);
     *                     null for none
     */
    public record Request(ConnectionSpec primary, String authUser, String authPassword, Path ini, Path userlist,
            List<String> databases, NodeAddress target, String listen, int port, Path serverTlsDir) {
        public Request {
            Objects.requireNonNull(primary, "primary");
            Objects.requireNonNull(authUser, "authUser");
            databases = List.copyOf(databases);
        }
    }

    private final SecureRandom random = new SecureRandom();

    public PgBouncerAuthResult execute(Request r) {
        List<Step> steps = new ArrayList<>();
        String verifier;
        List<String> databases;
        try (Connection c = PgConnections.openOrFail(r.primary())) {
            requireSuperuser(c, r.primary());
            steps.add(role(c, r.authUser(), r.authPassword()));
            verifier = verifier(c, r.authUser());
            databases = r.databases().isEmpty() ? allDatabases(c) : existing(c, r.databases());
        } catch (SQLException e) {
            throw new PgWardenException(ErrorCode.FAILED, "Setting up the PgBouncer auth role on " + r.primary().display()
                    + " failed: " + PgConnections.describe(e) + ". Nothing after the steps printed was changed.", e);
        }
        for (String db : databases) {
            try (Connection c = PgConnections.openOrFail(r.primary().withDatabase(db))) {
                steps.add(function(c, db, r.authUser()));
            } catch (SQLException e) {
                throw new PgWardenException(ErrorCode.FAILED, "Creating " + PgBouncerAuthQuery.signature() + " in database "
                        + db + " failed: " + PgConnections.describe(e) + ".", e);
            }
        }
        try {
            String oldList = Files.exists(r.userlist()) ? Files.readString(r.userlist()) : "";
            String newList = PgBouncerAuthFiles.withUser(oldList, r.authUser(), verifier);
            steps.add(write(r.userlist(), oldList, newList, Files.exists(r.userlist()), "the SCRAM verifier of " + r.authUser()));
            Map<String, String> auth = PgBouncerAuthFiles.authSettings(r.authUser(), r.userlist().toAbsolutePath());
            if (r.serverTlsDir() != null) {
                auth.putAll(PgBouncerAuthFiles.serverTls(r.serverTlsDir().toAbsolutePath(), r.authUser()));
            }
            boolean iniExists = Files.exists(r.ini());
            String oldIni = iniExists ? Files.readString(r.ini()) : "";
            String newIni = iniExists ? PgBouncerAuthFiles.withSettings(oldIni, auth)
                    : PgBouncerAuthFiles.minimal(r.target(), r.databases(), auth, r.listen(), r.port());
            steps.add(write(r.ini(), oldIni, newIni, iniExists, iniExists ? "auth_type, auth_file, auth_user, auth_query"
                    : "a complete ini: port " + r.port() + ", transaction pooling, [databases] at " + r.target()));
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot write " + r.userlist() + " or " + r.ini() + ": "
                    + e.getMessage() + ". The role and functions are in place; fix the path or permissions and run again.", e);
        }
        return new PgBouncerAuthResult(steps, r.ini());
    }

    private static void requireSuperuser(Connection c, ConnectionSpec spec) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user")) {
            if (!rs.next() || !rs.getBoolean(1)) {
                throw new PgWardenException(ErrorCode.INVALID_INPUT, "--url: " + spec.user() + " is not a superuser; the"
                        + " lookup function must be owned by one to read pg_authid. Connect as a superuser (e.g. postgres).", null);
            }
        }
    }

    private Step role(Connection c, String user, String password) throws SQLException {
        String q = SqlIdentifiers.quote(user);
        String what = "role " + user;
        try (PreparedStatement p = c.prepareStatement("SELECT rolcanlogin AND NOT rolsuper AND NOT rolcreatedb AND NOT"
                + " rolcreaterole AND NOT rolreplication AND NOT rolbypassrls AND NOT rolinherit, rolpassword,"
                + " (SELECT count(*) FROM pg_catalog.pg_auth_members m WHERE m.member = a.oid)"
                + " FROM pg_catalog.pg_authid a WHERE rolname = ?")) {
            p.setString(1, user);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    try (Statement s = c.createStatement()) {
                        s.execute("CREATE ROLE " + q + " " + ROLE_ATTRIBUTES);
                    }
                    setPassword(c, user, password != null ? password : randomPassword());
                    return new Step(what, Change.CREATED, "LOGIN only, password set (scram-sha-256)");
                }
                boolean attributes = rs.getBoolean(1);
                String stored = rs.getString(2);
                long memberships = rs.getLong(3);
                List<String> changes = new ArrayList<>();
                if (!attributes) {
                    try (Statement s = c.createStatement()) {
                        s.execute("ALTER ROLE " + q + " " + ROLE_ATTRIBUTES);
                    }
                    changes.add("rights reduced to LOGIN");
                }
                if (memberships > 0) {
                    revokeMemberships(c, user);
                    changes.add("removed from " + memberships + " role(s)");
                }
                if (password != null ? !ScramVerifier.matches(stored, password) : !ScramVerifier.isScram(stored)) {
                    setPassword(c, user, password != null ? password : randomPassword());
                    changes.add(password != null ? "password set" : "random password set (it had no SCRAM password)");
                }
                return changes.isEmpty() ? new Step(what, Change.UNCHANGED, "LOGIN only, SCRAM password")
                        : new Step(what, Change.UPDATED, String.join(", ", changes));
            }
        }
    }

    private static void revokeMemberships(Connection c, String user) throws SQLException {
        List<String> groups = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT g.rolname FROM pg_catalog.pg_auth_members m"
                + " JOIN pg_catalog.pg_authid g ON g.oid = m.roleid JOIN pg_catalog.pg_authid u ON u.oid = m.member"
                + " WHERE u.rolname = ?")) {
            p.setString(1, user);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    groups.add(rs.getString(1));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (String g : groups) {
                s.execute("REVOKE " + SqlIdentifiers.quote(g) + " FROM " + SqlIdentifiers.quote(user));
            }
        }
    }

    /** The verifier is computed by the driver: the password itself never reaches the server (nor its log). */
    private static void setPassword(Connection c, String user, String password) throws SQLException {
        c.unwrap(org.postgresql.PGConnection.class).alterUserPassword(user, password.toCharArray(), "scram-sha-256");
    }

    private String randomPassword() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String verifier(Connection c, String user) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT rolpassword FROM pg_catalog.pg_authid WHERE rolname = ?")) {
            p.setString(1, user);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static List<String> allDatabases(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT datname FROM pg_catalog.pg_database"
                + " WHERE datallowconn ORDER BY datname <> current_database(), datname")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static List<String> existing(Connection c, List<String> names) throws SQLException {
        List<String> missing = new ArrayList<>();
        for (String db : names) {
            try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_database WHERE datname = ? AND datallowconn")) {
                p.setString(1, db);
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        missing.add(db);
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "--database=" + String.join(",", missing) + ": no such"
                    + " database (or it does not accept connections); create it first or leave --database out for all.", null);
        }
        return names;
    }

    private static Step function(Connection c, String db, String authUser) throws SQLException {
        String what = "function " + PgBouncerAuthQuery.signature() + " in " + db;
        boolean exists;
        boolean current;
        try (PreparedStatement p = c.prepareStatement("SELECT p.prosrc = ? AND p.prosecdef"
                + " AND p.proconfig = ARRAY['search_path=pg_catalog, pg_temp']"
                + " AND (SELECT rolsuper FROM pg_catalog.pg_roles WHERE oid = p.proowner)"
                + " AND NOT has_function_privilege('public', p.oid, 'EXECUTE')"
                + " AND has_function_privilege(?, p.oid, 'EXECUTE')"
                + " AND NOT has_schema_privilege('public', n.oid, 'USAGE') AND has_schema_privilege(?, n.oid, 'USAGE')"
                + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE n.nspname = ? AND p.proname = ?")) {
            p.setString(1, PgBouncerAuthQuery.body(authUser));
            p.setString(2, authUser);
            p.setString(3, authUser);
            p.setString(4, PgBouncerAuthQuery.SCHEMA);
            p.setString(5, PgBouncerAuthQuery.FUNCTION);
            try (ResultSet rs = p.executeQuery()) {
                exists = rs.next();
                current = exists && rs.getBoolean(1);
            }
        }
        if (current) {
            return new Step(what, Change.UNCHANGED, "SECURITY DEFINER, EXECUTE for " + authUser + " only");
        }
        String auth = SqlIdentifiers.quote(authUser);
        String fn = PgBouncerAuthQuery.signature();
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + PgBouncerAuthQuery.SCHEMA);
            s.execute("ALTER SCHEMA " + PgBouncerAuthQuery.SCHEMA + " OWNER TO CURRENT_USER");
            s.execute("REVOKE ALL ON SCHEMA " + PgBouncerAuthQuery.SCHEMA + " FROM PUBLIC");
            s.execute("GRANT USAGE ON SCHEMA " + PgBouncerAuthQuery.SCHEMA + " TO " + auth);
            s.execute(PgBouncerAuthQuery.create(authUser));
            s.execute("ALTER FUNCTION " + fn + " OWNER TO CURRENT_USER");
            s.execute("REVOKE ALL ON FUNCTION " + fn + " FROM PUBLIC");
            s.execute("GRANT EXECUTE ON FUNCTION " + fn + " TO " + auth);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
        return new Step(what, exists ? Change.UPDATED : Change.CREATED, "SECURITY DEFINER, search_path pinned,"
                + " EXECUTE for " + authUser + " only");
    }

    private static Step write(Path file, String old, String content, boolean existed, String detail) throws IOException {
        String what = file.getFileName().toString().endsWith(".ini") ? "ini " + file : "userlist " + file;
        if (existed && old.equals(content)) {
            return new Step(what, Change.UNCHANGED, null);
        }
        if (existed) {
            AtomicFiles.write(file, content);
        } else {
            writeNew(file, content);
        }
        return new Step(what, existed ? Change.UPDATED : Change.CREATED, detail);
    }

    /**
     * A new file, mode 0600 from the start (the userlist holds a verifier), owned like its directory: as root, a
     * file in PgBouncer's directory goes to PgBouncer's user, who must read it.
     */
    private static void writeNew(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, content);
            try {
                var dirAttrs = Files.readAttributes(dir, java.nio.file.attribute.PosixFileAttributes.class);
                var view = Files.getFileAttributeView(tmp, java.nio.file.attribute.PosixFileAttributeView.class);
                view.setOwner(dirAttrs.owner());
                view.setGroup(dirAttrs.group());
            } catch (IOException e) {
                // not root: the file stays this user's, who is the one running PgBouncer too
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
