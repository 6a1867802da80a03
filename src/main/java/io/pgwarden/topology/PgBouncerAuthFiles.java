package io.pgwarden.topology;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of the two PgBouncer files {@code pgbouncer init} writes. Pure text in, text out: the {@code auth_*}
 * lines set in the {@code [pgbouncer]} section of an existing pgbouncer.ini (every other line kept as it was), a
 * complete minimal ini when there is none, and the auth user's line in userlist.txt (other users' lines kept).
 */
final class PgBouncerAuthFiles {
    private static final Pattern SECTION = Pattern.compile("^\\s*\\[([^]]+)]\\s*$");
    private static final Pattern KEY = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=.*$");

    private PgBouncerAuthFiles() {
    }

    /** The settings that make PgBouncer look every user up through {@link PgBouncerAuthQuery}. */
    static Map<String, String> authSettings(String authUser, Path userlist) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("auth_type", "scram-sha-256");
        m.put("auth_file", userlist.toString());
        m.put("auth_user", authUser);
        m.put("auth_query", PgBouncerAuthQuery.AUTH_QUERY);
        return m;
    }

    /** TLS to the server, verified with the CA, and the auth user's client certificate (CN = the auth user). */
    static Map<String, String> serverTls(Path dir, String authUser) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("server_tls_sslmode", "verify-full");
        m.put("server_tls_ca_file", dir.resolve("ca.crt").toString());
        m.put("server_tls_cert_file", dir.resolve("client-" + authUser + ".crt").toString());
        m.put("server_tls_key_file", dir.resolve("client-" + authUser + ".key").toString());
        return m;
    }

    /**
     * A complete pgbouncer.ini: transaction pooling on {@code listen}:{@code port}, {@code [databases]} pointing at
     * the primary (one entry per database, or {@code *} for any), authentication through the auth query.
     */
    static String minimal(NodeAddress primary, List<String> databases, Map<String, String> auth, String listen, int port) {
        StringBuilder b = new StringBuilder()
                .append("; Written by 'pgwarden pgbouncer init'; edit freely: a second init only sets the auth_* lines,\n")
                .append("; and 'pgwarden endpoints --pgbouncer-ini' only rewrites host= and port= below.\n")
                .append("[databases]\n");
        if (databases.isEmpty()) {
            b.append("* = host=").append(primary.host()).append(" port=").append(primary.port()).append('\n');
        } else {
            for (String db : databases) {
                b.append(db).append(" = host=").append(primary.host()).append(" port=").append(primary.port())
                        .append(" dbname=").append(db).append('\n');
            }
        }
        b.append("\n[pgbouncer]\n")
                .append("listen_addr = ").append(listen).append('\n')
                .append("listen_port = ").append(port).append('\n');
        auth.forEach((k, v) -> b.append(k).append(" = ").append(v).append('\n'));
        b.append("pool_mode = transaction\n")
                .append("; pgjdbc sends it at login and PgBouncer does not track it\n")
                .append("ignore_startup_parameters = extra_float_digits\n");
        return b.toString();
    }

    /** {@code ini} with each of {@code settings} set in the [pgbouncer] section (added when missing). */
    static String withSettings(String ini, Map<String, String> settings) {
        List<String> lines = new ArrayList<>(List.of(ini.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        Map<String, String> missing = new LinkedHashMap<>(settings);
        String section = "";
        int sectionEnd = -1;
        boolean seenSection = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher s = SECTION.matcher(line);
            if (s.matches()) {
                section = s.group(1).trim().toLowerCase(Locale.ROOT);
                if (section.equals("pgbouncer")) {
                    seenSection = true;
                }
                continue;
            }
            if (!section.equals("pgbouncer")) {
                continue;
            }
            if (!line.isBlank()) {
                sectionEnd = i;
            }
            Matcher k = KEY.matcher(line.replace("\r", ""));
            if (k.matches() && settings.containsKey(k.group(1).toLowerCase(Locale.ROOT))) {
                String key = k.group(1).toLowerCase(Locale.ROOT);
                String wanted = key + " = " + settings.get(key) + (line.endsWith("\r") ? "\r" : "");
                if (!missing.containsKey(key)) {
                    lines.set(i, "; " + line.strip() + "  ; (repeated; the line above is the one PgBouncer uses)");
                } else if (!normalised(line).equals(normalised(wanted))) {
                    lines.set(i, wanted);
                }
                missing.remove(key);
            }
        }
        List<String> added = new ArrayList<>();
        missing.forEach((k, v) -> added.add(k + " = " + v));
        if (!seenSection) {
            lines.add("");
            lines.add("[pgbouncer]");
            lines.addAll(added);
        } else if (!added.isEmpty()) {
            lines.addAll(sectionEnd + 1, added);
        }
        return String.join("\n", lines) + "\n";
    }

    private static String normalised(String line) {
        int eq = line.indexOf('=');
        return eq < 0 ? line.strip() : line.substring(0, eq).strip().toLowerCase(Locale.ROOT) + "=" + line.substring(eq + 1).strip();
    }

    /** {@code userlist} with {@code user}'s line set to {@code secret} (PgBouncer's {@code "user" "secret"} format). */
    static String withUser(String userlist, String user, String secret) {
        String entry = quote(user) + " " + quote(secret);
        List<String> out = new ArrayList<>();
        boolean found = false;
        for (String line : userlist.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith(quote(user) + " ")) {
                if (!found) {
                    out.add(entry);
                }
                found = true;
            } else {
                out.add(line);
            }
        }
        if (!found) {
            out.add(entry);
        }
        return String.join("\n", out) + "\n";
    }

    /** The secret of {@code user} in {@code userlist}, or null. */
    static String secretOf(String userlist, String user) {
        for (String line : userlist.split("\n")) {
            if (line.startsWith(quote(user) + " ")) {
                String rest = line.substring(quote(user).length() + 1).strip();
                if (rest.length() >= 2 && rest.startsWith("\"") && rest.endsWith("\"")) {
                    return rest.substring(1, rest.length() - 1).replace("\"\"", "\"");
                }
            }
        }
        return null;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
