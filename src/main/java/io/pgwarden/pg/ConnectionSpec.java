package io.pgwarden.pg;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * Where and how to connect, in libpq's terms. Built from a URL ({@code postgresql://user:pw@host:port/db?sslmode=...},
 * as {@code DATABASE_URL} holds it, or {@code jdbc:postgresql://...}) and/or the libpq environment variables
 * ({@code PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSSLMODE PGSSLROOTCERT PGCONNECT_TIMEOUT PGAPPNAME}).
 * {@link #toString()} never shows the password. {@code sslrootcert} is the CA file that {@code verify-ca} and
 * {@code verify-full} check the server against (null: the driver's default, ~/.postgresql/root.crt).
 */
public record ConnectionSpec(String host, int port, String database, String user, String password,
        String sslmode, Duration connectTimeout, String applicationName, String sslrootcert) {

    public static final int DEFAULT_PORT = 5432;
    /** libpq waits forever by default; a probe or a CLI call must not, and 5 s covers a busy server. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    public ConnectionSpec {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1-65535");
        }
        sslrootcert = sslrootcert == null || sslrootcert.isBlank() ? null : sslrootcert;
    }

    /** Without an explicit CA file. */
    public ConnectionSpec(String host, int port, String database, String user, String password,
            String sslmode, Duration connectTimeout, String applicationName) {
        this(host, port, database, user, password, sslmode, connectTimeout, applicationName, null);
    }

    /** Defaults from the libpq environment: host 127.0.0.1, port 5432, user/database postgres. */
    public static ConnectionSpec fromEnv(Map<String, String> env) {
        String user = env.getOrDefault("PGUSER", "postgres");
        Duration timeout = DEFAULT_CONNECT_TIMEOUT;
        if (env.get("PGCONNECT_TIMEOUT") != null && !env.get("PGCONNECT_TIMEOUT").isBlank()) {
            try {
                timeout = Duration.ofSeconds(Math.max(1, Long.parseLong(env.get("PGCONNECT_TIMEOUT").trim())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("PGCONNECT_TIMEOUT=" + env.get("PGCONNECT_TIMEOUT")
                        + ": expected a whole number of seconds", e);
            }
        }
        int port = DEFAULT_PORT;
        if (env.get("PGPORT") != null && !env.get("PGPORT").isBlank()) {
            port = parsePort(env.get("PGPORT").trim(), "PGPORT");
        }
        String host = env.getOrDefault("PGHOST", "127.0.0.1");
        if (host.startsWith("/")) {
            host = "127.0.0.1"; // JDBC has no Unix sockets; a socket directory means "this machine"
        }
        String ssl = env.getOrDefault("PGSSLMODE", "prefer");
        if (!SSL_MODES.contains(ssl)) {
            throw new IllegalArgumentException("PGSSLMODE=" + ssl
                    + ": allowed values are disable, allow, prefer, require, verify-ca, verify-full");
        }
        return new ConnectionSpec(host, port, env.getOrDefault("PGDATABASE", user), user,
                env.get("PGPASSWORD"), ssl, timeout,
                env.getOrDefault("PGAPPNAME", "pgwarden"), env.get("PGSSLROOTCERT"));
    }

    /**
     * Parses a {@code postgres://}, {@code postgresql://} or {@code jdbc:postgresql://} URL; parts it
     * lacks come from {@code defaults}.
     *
     * @throws IllegalArgumentException naming what is wrong (never echoing the password)
     */
    public static ConnectionSpec parseUrl(String url, ConnectionSpec defaults) {
        String u = url.trim();
        if (u.startsWith("jdbc:")) {
            u = u.substring(5);
        }
        int schemeEnd = u.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : u.substring(0, schemeEnd);
        if (!scheme.equals("postgres") && !scheme.equals("postgresql")) {
            throw new IllegalArgumentException("expected a URL such as postgresql://user@host:5432/dbname");
        }
        String rest = u.substring(schemeEnd + 3);
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String path = null;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        String user = defaults.user();
        String password = defaults.password();
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String[] ui = rest.substring(0, at).split(":", 2);
            user = decode(ui[0]);
            password = ui.length > 1 ? decode(ui[1]) : password;
            rest = rest.substring(at + 1);
        }
        String host = defaults.host();
        int port = defaults.port();
        if (rest.contains(",")) {
            throw new IllegalArgumentException("several hosts (" + rest + ") are not supported here; give one host:port");
        }
        if (!rest.isEmpty()) {
            String hostPart = rest;
            String portPart = null;
            if (rest.startsWith("[")) {
                int close = rest.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed '[' in the host part '" + rest + "'");
                }
                hostPart = rest.substring(1, close);
                String after = rest.substring(close + 1);
                if (after.startsWith(":")) {
                    portPart = after.substring(1);
                } else if (!after.isEmpty()) {
                    throw new IllegalArgumentException("unexpected '" + after + "' after the host [" + hostPart + "]");
                }
            } else if (rest.indexOf(':') >= 0) {
                hostPart = rest.substring(0, rest.indexOf(':'));
                portPart = rest.substring(rest.indexOf(':') + 1);
            }
            if (!hostPart.isEmpty()) {
                if (!hostPart.matches("[A-Za-z0-9._%:-]+")) {
                    throw new IllegalArgumentException("'" + hostPart + "' is not a host name or IP address");
                }
                host = decode(hostPart);
            }
            if (portPart != null) {
                port = parsePort(portPart, "port in the URL");
            }
        }
        String database = path == null || path.isEmpty() ? defaults.database() : decode(path);
        String sslmode = defaults.sslmode();
        Duration timeout = defaults.connectTimeout();
        String app = defaults.applicationName();
        String rootcert = defaults.sslrootcert();
        if (query != null && !query.isEmpty()) {
            for (String kv : query.split("&")) {
                String[] p = kv.split("=", 2);
                String value = p.length > 1 ? decode(p[1]) : "";
                switch (p[0]) {
                    case "sslmode" -> sslmode = sslmode(value);
                    case "sslrootcert" -> rootcert = value;
                    case "connect_timeout", "connectTimeout" -> timeout = Duration.ofSeconds(parseSeconds(value));
                    case "application_name", "ApplicationName" -> app = value;
                    case "user" -> user = value;
                    case "password" -> password = value;
                    default -> { /* other libpq/JDBC options are not used by pgwarden */ }
                }
            }
        }
        return new ConnectionSpec(host, port, database, user, password, sslmode, timeout, app, rootcert);
    }

    private static final java.util.Set<String> SSL_MODES =
            java.util.Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    private static String sslmode(String value) {
        if (!SSL_MODES.contains(value)) {
            throw new IllegalArgumentException("sslmode '" + value
                    + "' is not one of disable, allow, prefer, require, verify-ca, verify-full");
        }
        return value;
    }

    private static long parseSeconds(String value) {
        try {
            return Math.max(1, Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("connect_timeout '" + value + "' is not a whole number of seconds", e);
        }
    }

    static int parsePort(String text, String name) {
        try {
            int p = Integer.parseInt(text);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + text + ": expected a port number from 1 to 65535", e);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    public ConnectionSpec withDatabase(String db) {
        return new ConnectionSpec(host, port, db, user, password, sslmode, connectTimeout, applicationName, sslrootcert);
    }

    public ConnectionSpec withHostPort(String h, int p) {
        return new ConnectionSpec(h, p, database, user, password, sslmode, connectTimeout, applicationName, sslrootcert);
    }

    public ConnectionSpec withUser(String u, String pw) {
        return new ConnectionSpec(host, port, database, u, pw, sslmode, connectTimeout, applicationName, sslrootcert);
    }

    public ConnectionSpec withConnectTimeout(Duration t) {
        return new ConnectionSpec(host, port, database, user, password, sslmode, t, applicationName, sslrootcert);
    }

    public ConnectionSpec withApplicationName(String app) {
        return new ConnectionSpec(host, port, database, user, password, sslmode, connectTimeout, app, sslrootcert);
    }

    /** With this SSL mode and CA file (null keeps the current CA file). */
    public ConnectionSpec withSsl(String mode, String rootcert) {
        return new ConnectionSpec(host, port, database, user, password, sslmode(mode), connectTimeout, applicationName,
                rootcert == null ? sslrootcert : rootcert);
    }

    /** The JDBC URL, without credentials. */
    public String jdbcUrl() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    /** Driver properties: credentials, SSL mode, timeouts. */
    public Properties jdbcProperties() {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        String mode = sslmode == null ? "prefer" : sslmode;
        p.setProperty("sslmode", mode);
        if (sslrootcert != null) {
            p.setProperty("sslrootcert", sslrootcert);
        }
        int seconds = (int) Math.max(1, connectTimeout.toSeconds());
        p.setProperty("connectTimeout", Integer.toString(seconds));
        p.setProperty("loginTimeout", Integer.toString(seconds));
        p.setProperty("ApplicationName", applicationName == null ? "pgwarden" : applicationName);
        return p;
    }

    /** {@code postgresql://user@host:port/db}: for humans and logs; never contains the password. */
    public String display() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "postgresql://" + user + "@" + h + ":" + port + "/" + database;
    }

    /** {@code host:port}. */
    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return display();
    }
}
