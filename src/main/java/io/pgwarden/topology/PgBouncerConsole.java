package io.pgwarden.topology;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.ProcessRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PgBouncer's admin console, spoken through {@code psql}. Not pgjdbc: pgjdbc always sends
 * {@code extra_float_digits} at login, which the admin console of PgBouncer 1.18 (Debian 12) rejects with
 * "unknown parameter" whatever {@code ignore_startup_parameters} says. The password goes through
 * {@code PGPASSWORD} in psql's environment, never on its command line.
 */
final class PgBouncerConsole {
    /** psql against a local console answers in milliseconds; the spec's connect timeout bounds the login. */
    private static final Duration EXTRA = Duration.ofSeconds(5);

    private final ProcessRunner runner;
    private final String psql;
    private final ConnectionSpec admin;

    PgBouncerConsole(ProcessRunner runner, String psql, ConnectionSpec admin) {
        this.runner = runner;
        this.psql = psql;
        this.admin = admin;
    }

    /** Database name to {@code host:port} as PgBouncer currently runs with ({@code SHOW DATABASES}). */
    Map<String, String> databases() {
        String out = run("SHOW DATABASES");
        Map<String, String> result = new HashMap<>();
        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            return result;
        }
        List<String> header = List.of(lines.get(0).split("\t", -1));
        int name = header.indexOf("name");
        int host = header.indexOf("host");
        int port = header.indexOf("port");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            if (f.length > Math.max(name, Math.max(host, port))) {
                result.put(f[name], f[host] + ":" + f[port]);
            }
        }
        return result;
    }

    void reload() {
        run("RELOAD");
    }

    private String run(String command) {
        List<String> cmd = new ArrayList<>(List.of(psql, "-X", "-A", "-F", "\t", "-P", "footer=off",
                "-v", "ON_ERROR_STOP=1", "-c", command, conninfo()));
        Map<String, String> env = new HashMap<>();
        if (admin.password() != null) {
            env.put("PGPASSWORD", admin.password());
        }
        ProcessResult r = runner.run(cmd, null, env, admin.connectTimeout().plus(EXTRA));
        if (!r.ok()) {
            throw new PgWardenException(ErrorCode.PUBLISH_FAILED, "PgBouncer: '" + command + "' on the admin console "
                    + admin.display() + " failed: " + r.tail(3).strip().replaceAll("\\s*\\R\\s*", " ") + "; check --pgbouncer-admin-url and that the "
                    + "user is in admin_users");
        }
        return r.stdout();
    }

    private String conninfo() {
        return "host=" + quote(admin.host()) + " port=" + admin.port() + " user=" + quote(admin.user())
                + " dbname=pgbouncer sslmode=" + quote(admin.sslmode() == null ? "prefer" : admin.sslmode())
                + " connect_timeout=" + Math.max(1, admin.connectTimeout().toSeconds());
    }

    /** libpq conninfo quoting: single quotes, backslash-escaped. */
    private static String quote(String v) {
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
