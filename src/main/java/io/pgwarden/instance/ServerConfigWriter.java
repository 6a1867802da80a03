package io.pgwarden.instance;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the configuration pgwarden manages: {@value #INCLUDE_FILE} (tuned settings, listen addresses,
 * port, socket directory), included from the end of {@code postgresql.conf} so it overrides initdb's
 * defaults while {@code ALTER SYSTEM} (postgresql.auto.conf) still overrides it; and {@code pg_hba.conf},
 * as long as its first line is pgwarden's marker (delete that line to manage the file yourself).
 * Both are rewritten before every start.
 */
public final class ServerConfigWriter {
    public static final String INCLUDE_FILE = "pgwarden.conf";
    public static final String HBA_MARKER = "# Managed by pgwarden";
    static final String INCLUDE_LINE = "include_if_exists = '" + INCLUDE_FILE + "'";
    /** Unix socket paths are limited to 107 bytes (sun_path); ".s.PGSQL.65535" takes 15 of them. */
    private static final int MAX_SOCKET_DIR = 107 - 16;
    /**
     * PostgreSQL's own default (it touches its socket files hourly so /tmp cleaners leave them alone). Not the data
     * directory: pg_rewind copies every non-relation file of its source's data directory and fails on a socket there.
     */
    static final String DEFAULT_SOCKET_DIR = "/tmp";

    private final ServerFiles files;

    public ServerConfigWriter(ServerFiles files) {
        this.files = files;
    }

    /** Which files were written, for the user. */
    public record Written(Path includeFile, Path hbaFile, boolean hbaManaged, Map<String, String> settings) {
    }

    /**
     * @param fresh true right after initdb: initdb's pg_hba.conf is replaced; later only a file that
     *              still starts with {@link #HBA_MARKER} is rewritten
     */
    public Written write(InstanceConfig config, boolean fresh) {
        Path dir = config.dataDir();
        try {
            if (config.tls() != null) {
                config.tls().install(files, dir);
            }
            Map<String, String> all = settings(config);
            files.write(dir.resolve(INCLUDE_FILE), render(all), PosixFilePermissions.fromString("rw-------"));
            ensureIncluded(dir.resolve("postgresql.conf"));
            Path hba = dir.resolve("pg_hba.conf");
            boolean managed = fresh || !Files.exists(hba) || Files.readString(hba).startsWith(HBA_MARKER);
            if (managed) {
                files.write(hba, hba(config), PosixFilePermissions.fromString("rw-------"));
            }
            return new Written(dir.resolve(INCLUDE_FILE), hba, managed, all);
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot write the configuration of " + dir + ": " + e
                    + ". Check permissions and free space.", e);
        }
    }

    /** pgwarden's own settings followed by the tuned ones (which may not override listen/port/sockets). */
    static Map<String, String> settings(InstanceConfig config) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("listen_addresses", String.join(",", config.listenAddresses()));
        all.put("port", Integer.toString(config.port()));
        String socketDir = config.settings().getOrDefault("unix_socket_directories", DEFAULT_SOCKET_DIR);
        all.put("unix_socket_directories", socketDir.length() <= MAX_SOCKET_DIR ? socketDir : "");
        all.put("password_encryption", "scram-sha-256");
        if (config.tls() != null) {
            all.putAll(config.tls().settings());
        }
        config.settings().forEach(all::putIfAbsent);
        return all;
    }

    static String render(Map<String, String> settings) {
        StringBuilder b = new StringBuilder()
                .append("# Managed by pgwarden: rewritten before every start from its flags and tuning plan.\n")
                .append("# Do not edit; change pgwarden's flags, or use ALTER SYSTEM, which overrides this file.\n");
        settings.forEach((k, v) -> b.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
        return b.toString();
    }

    static String hba(InstanceConfig config) {
        StringBuilder b = new StringBuilder(HBA_MARKER)
                .append(": rewritten before every start; only what is configured may connect.\n")
                .append("# Delete the first line to manage this file yourself.\n")
                .append("# TYPE  DATABASE     USER  ADDRESS          METHOD\n")
                .append("local   all          all                    scram-sha-256\n");
        if (config.tls() != null && config.tls().hasCa()) {
            // before the password lines: these roles prove who they are with a certificate of --tls-ca, over TLS only
            for (String user : config.tls().certUsers()) {
                List<String> cidrs = new java.util.ArrayList<>(List.of("127.0.0.1/32", "::1/128"));
                cidrs.addAll(config.allowedNetworks());
                for (String cidr : cidrs) {
                    b.append(String.format("hostssl all          %s %-16s cert%n", hbaName(user), cidr));
                }
            }
        }
        for (String cidr : List.of("127.0.0.1/32", "::1/128")) {
            b.append(String.format("host    all          all   %-16s scram-sha-256%n", cidr));
            b.append(String.format("host    replication  all   %-16s scram-sha-256%n", cidr));
        }
        // --require-tls: the network must use TLS; loopback (this machine: the agent, a local psql) may still connect without
        boolean tlsOnly = config.tls() != null && config.tls().required();
        String type = tlsOnly ? "hostssl" : "host   ";
        for (String cidr : config.allowedNetworks()) {
            b.append(String.format("%s all          all   %-16s scram-sha-256%n", type, cidr));
            b.append(String.format("%s replication  all   %-16s scram-sha-256%n", type, cidr));
        }
        if (tlsOnly) {
            b.append("# --require-tls: every other connection without TLS is refused\n");
            for (String cidr : List.of("0.0.0.0/0", "::/0")) {
                b.append(String.format("hostnossl all        all   %-16s reject%n", cidr));
                b.append(String.format("hostnossl replication all  %-16s reject%n", cidr));
            }
        }
        return b.toString();
    }

    /** A role name as pg_hba.conf reads it: double-quoted when it is not plain. */
    private static String hbaName(String user) {
        return user.matches("[a-z_][a-z0-9_]*") ? user : "\"" + user.replace("\"", "\"\"") + "\"";
    }

    private void ensureIncluded(Path postgresqlConf) throws IOException {
        String text = Files.exists(postgresqlConf) ? Files.readString(postgresqlConf) : "";
        if (text.lines().anyMatch(l -> l.strip().equals(INCLUDE_LINE))) {
            return;
        }
        String addition = (text.isEmpty() || text.endsWith("\n") ? "" : "\n")
                + "\n# Added by pgwarden: its managed settings (listen address, port, tuning). Keep this line last.\n"
                + INCLUDE_LINE + "\n";
        files.write(postgresqlConf, text + addition, PosixFilePermissions.fromString("rw-------"));
    }
}
