package io.pgwarden.instance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a data directory a streaming replica of an {@link Upstream}: {@code standby.signal}, the
 * replication password in a 0600 libpq password file ({@value #PASSFILE}) that {@code primary_conninfo}
 * points at with {@code passfile=}, and {@code primary_conninfo} plus {@code primary_slot_name} in the
 * pgwarden-managed include ({@value ServerConfigWriter#INCLUDE_FILE}). The password never appears in a
 * configuration file, a command line or a log.
 */
public final class StandbyConfig {
    /** In the data directory, so it travels with the volume. */
    public static final String PASSFILE = "pgwarden.replication.pgpass";
    public static final String SIGNAL = "standby.signal";
    /** Where a client certificate for replication goes (optional: without it the replica logs in by password). */
    public static final String REPLICATION_CERT = "pgwarden.replication.crt";
    public static final String REPLICATION_KEY = "pgwarden.replication.key";

    private final ServerFiles files;

    public StandbyConfig(ServerFiles files) {
        this.files = files;
    }

    /** The settings a replica of {@code up} needs, for the include file. */
    public static Map<String, String> settings(Upstream up, Path dataDir) {
        return settings(up, dataDir, null);
    }

    /**
     * As {@link #settings(Upstream, Path)} for a node with TLS: the upstream is verified with the node's CA
     * ({@code sslmode=verify-full}: signed by it and named as {@code host}) or, without a CA, TLS is required.
     */
    public static Map<String, String> settings(Upstream up, Path dataDir, ServerTls tls) {
        Map<String, String> s = new LinkedHashMap<>();
        String ssl = tls == null ? " sslmode=prefer"
                : (tls.hasCa() ? " sslmode=verify-full sslrootcert=" + quote(dataDir.resolve(ServerTls.CA_FILE).toString())
                : " sslmode=require")
                // libpq looks for a client certificate in $HOME/.postgresql, and the server inherits root's HOME when
                // pgwarden runs as root: newer libpq fails on the unreadable /root rather than going on without one
                + " sslcert=" + quote(dataDir.resolve(REPLICATION_CERT).toString())
                + " sslkey=" + quote(dataDir.resolve(REPLICATION_KEY).toString());
        s.put("primary_conninfo", "host=" + quote(up.host()) + " port=" + up.port() + " user=" + quote(up.role())
                + " passfile=" + quote(dataDir.resolve(PASSFILE).toString()) + " application_name=" + quote(up.applicationName())
                + ssl);
        s.put("primary_slot_name", up.slot());
        s.put("hot_standby", "on");
        s.put("recovery_target_timeline", "latest");
        return s;
    }

    /** {@code config} with the replica settings added, so every start rewrites them into the include. */
    public static InstanceConfig apply(InstanceConfig config, Upstream up) {
        Map<String, String> merged = new LinkedHashMap<>(settings(up, config.dataDir(), config.tls()));
        config.settings().forEach(merged::putIfAbsent);
        return config.withSettings(merged);
    }

    /**
     * Writes the password file and {@code standby.signal}, and sets the replica settings in the include
     * file if the directory has one (keeping its other settings).
     */
    public void write(Path dataDir, Upstream up, String replicationPassword) throws IOException {
        PgPassFile.write(files, dataDir.resolve(PASSFILE), up.host(), up.port(), up.role(), replicationPassword);
        files.write(dataDir.resolve(SIGNAL), "", ServerFiles.OWNER_ONLY_FILE);
        Path include = dataDir.resolve(ServerConfigWriter.INCLUDE_FILE);
        if (Files.isRegularFile(include)) {
            Map<String, String> replica = settings(up, dataDir);
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(include)) {
                String key = line.contains("=") ? line.substring(0, line.indexOf('=')).strip() : "";
                if (!replica.containsKey(key)) {
                    kept.add(line);
                }
            }
            StringBuilder b = new StringBuilder(String.join("\n", kept)).append('\n');
            b.append(ServerConfigWriter.render(replica).lines().filter(l -> !l.startsWith("#"))
                    .reduce("", (a, l) -> a + l + "\n"));
            files.write(include, b.toString(), PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** True when the directory is set up as a standby. */
    public static boolean isStandby(Path dataDir) {
        return Files.exists(dataDir.resolve(SIGNAL));
    }

    /** A libpq connection-string value in single quotes, with backslashes and quotes escaped. */
    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
