package io.pgwarden.cli;

import io.pgwarden.agent.EndpointsConfig;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.config.Setting;
import io.pgwarden.core.Durations;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.topology.LagLimit;
import io.pgwarden.topology.NodeAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options {@code endpoints reconcile} and {@code endpoints watch} share; resolved flag > env > file > default. */
public final class EndpointsOptions {
    /** A LAN node answers in milliseconds; 2 s tolerates a busy server and bounds what a dead node costs a cycle. */
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    @Option(names = "--nodes", paramLabel = "HOST[:PORT],...",
            description = "PostgreSQL nodes to probe, port 5432 unless given. Env: PG_NODES. "
                    + "Example: --nodes 10.0.0.1,10.0.0.2:5433")
    String nodes;

    @Option(names = "--user", paramLabel = "USER", description = "User the probes log in as (needs pg_monitor). Env: PGUSER. Default: postgres.")
    String user;

    @Option(names = "--database", paramLabel = "DB", description = "Database the probes connect to. Env: PGDATABASE. Default: postgres.")
    String database;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File whose first line is the probes' password (e.g. a mounted Secret); read once at start. "
                    + "Env: PGWARDEN_PASSWORD_FILE. Default: the PGPASSWORD environment variable (never a flag).")
    String passwordFile;

    @Option(names = "--sslmode", paramLabel = "MODE", description = "libpq SSL mode: disable, allow, prefer, require, verify-ca, verify-full. Env: PGSSLMODE. Default: prefer.")
    String sslmode;

    @Option(names = "--connect-timeout", paramLabel = "DURATION",
            description = "Deadline for probing one node (connect and query), e.g. 2s or 500ms. Env: PGCONNECT_TIMEOUT (seconds). Default: 2s.")
    String connectTimeout;

    @Option(names = "--max-lag", paramLabel = "SIZE|DURATION",
            description = "Leave replicas further behind than this out of read-only: bytes (16MB; B, kB, MB, GB) or time (30s). Env: MAX_LAG. Default: no limit.")
    String maxLag;

    @Option(names = "--namespace", paramLabel = "NS", description = "Kubernetes namespace of the Services. Env: NAMESPACE. Default: the client's (in-cluster: the pod's).")
    String namespace;

    @Option(names = "--rw-service", paramLabel = "NAME", description = "Read-write Service (gets the primary); enables the Kubernetes publisher. Env: RW_SERVICE.")
    String rwService;

    @Option(names = "--ro-service", paramLabel = "NAME", description = "Read-only Service (gets the replicas). Env: RO_SERVICE.")
    String roService;

    @Option(names = "--file", paramLabel = "PATH", description = "Write the topology as JSON to this file (atomically, when it changes); its directory must exist. Env: ENDPOINTS_FILE.")
    String file;

    @Option(names = "--pgbouncer-ini", paramLabel = "PATH", description = "pgbouncer.ini whose [databases] host/port follow the primary. Env: PGBOUNCER_INI.")
    String pgbouncerIni;

    @Option(names = "--pgbouncer-admin-url", paramLabel = "URL",
            description = "PgBouncer admin console for RELOAD, e.g. postgresql://pgbouncer@127.0.0.1:6432/pgbouncer. Env: PGBOUNCER_ADMIN_URL. Default: postgresql://pgbouncer@127.0.0.1:6432/pgbouncer.")
    String pgbouncerAdminUrl;

    @Option(names = "--psql", paramLabel = "PATH", description = "psql used to talk to the PgBouncer admin console. Env: PSQL. Default: psql from PATH.")
    String psql;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file with any of these settings by long flag name (nodes: ..., max-lag: ...). Env: PGWARDEN_CONFIG.")
    Path config;

    /** Resolves and validates every setting, reporting all problems at once (exit code 2). */
    EndpointsConfig resolve(Map<String, String> env) {
        return resolve(env, new Problems());
    }

    /** As {@link #resolve(Map)}, reporting the caller's {@code problems} (e.g. watch's --interval) together with these. */
    EndpointsConfig resolve(Map<String, String> env, Problems problems) {
        ConfigSources src = ConfigSources.load(config, env).requireKnownKeys(ConfigKeys.ALL, "nodes: 10.0.0.1,10.0.0.2");
        List<NodeAddress> nodeList = src.resolve(problems, List.of(), v -> NodeAddress.parseList(v, NodeAddress.DEFAULT_PORT),
                "--nodes", nodes, "PG_NODES");
        if (nodeList.isEmpty() && src.find("--nodes", nodes, "PG_NODES").isEmpty()) {
            problems.add("--nodes/PG_NODES is required: the PostgreSQL nodes to probe, e.g. PG_NODES=10.0.0.1,10.0.0.2:5433");
        }
        Duration timeout = src.resolve(problems, DEFAULT_CONNECT_TIMEOUT, EndpointsOptions::timeout, "--connect-timeout",
                connectTimeout, "PGCONNECT_TIMEOUT");
        LagLimit lag = src.resolve(problems, LagLimit.NONE, LagLimit::parse, "--max-lag", maxLag, "MAX_LAG");
        ConnectionSpec base = ConnectionSpec.fromEnv(Map.of());
        String u = src.resolve(problems, "postgres", v -> v, "--user", user, "PGUSER");
        String db = src.resolve(problems, "postgres", v -> v, "--database", database, "PGDATABASE");
        String ssl = src.resolve(problems, "prefer", EndpointsOptions::sslmode, "--sslmode",
                sslmode, "PGSSLMODE");
        String password = src.find("--password-file", passwordFile, "PGWARDEN_PASSWORD_FILE")
                .map(s -> readPassword(s, problems)).orElse(env.get("PGPASSWORD"));
        ConnectionSpec probe = new ConnectionSpec(base.host(), base.port(), db, u, password, ssl, timeout,
                "pgwarden-endpoints");
        String ns = src.find("--namespace", namespace, "NAMESPACE").map(s -> s.value().trim()).orElse(null);
        String rw = src.find("--rw-service", rwService, "RW_SERVICE").map(s -> s.value().trim()).orElse(null);
        String ro = src.find("--ro-service", roService, "RO_SERVICE").map(s -> s.value().trim()).orElse(null);
        if ((rw == null) != (ro == null)) {
            problems.add((rw == null ? "--ro-service/RO_SERVICE=" + ro : "--rw-service/RW_SERVICE=" + rw)
                    + ": the Kubernetes publisher needs both --rw-service (RW_SERVICE) and --ro-service (RO_SERVICE)");
        }
        boolean fileGiven = src.find("--file", file, "ENDPOINTS_FILE").isPresent();
        Path jsonFile = src.resolve(problems, null, EndpointsOptions::outputFile, "--file", file, "ENDPOINTS_FILE");
        Path ini = src.find("--pgbouncer-ini", pgbouncerIni, "PGBOUNCER_INI").map(s -> Path.of(s.value().trim())).orElse(null);
        ConnectionSpec admin = src.resolve(problems, null, v -> ConnectionSpec.parseUrl(v, ConnectionSpec.fromEnv(Map.of())
                .withHostPort("127.0.0.1", 6432).withUser("pgbouncer", null).withDatabase("pgbouncer")),
                "--pgbouncer-admin-url", pgbouncerAdminUrl, "PGBOUNCER_ADMIN_URL");
        if (ini != null && admin == null) {
            admin = ConnectionSpec.fromEnv(Map.of()).withHostPort("127.0.0.1", 6432).withUser("pgbouncer", null)
                    .withDatabase("pgbouncer");
        }
        if (rw == null && !fileGiven && ini == null) {
            problems.add("no publisher configured: give --rw-service and --ro-service (RW_SERVICE, RO_SERVICE), "
                    + "--file (ENDPOINTS_FILE) or --pgbouncer-ini (PGBOUNCER_INI)");
        }
        problems.throwIfAny();
        String psqlPath = src.find("--psql", psql, "PSQL").map(s -> s.value().trim()).orElse("psql");
        return new EndpointsConfig(nodeList, probe, lag, ns, rw, ro, jsonFile, ini, admin, psqlPath);
    }

    static Duration timeout(String v) {
        Duration d = Durations.parse(v);
        if (d.compareTo(Duration.ofMillis(100)) < 0 || d.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("expected a duration from 100ms to 5m, e.g. 2s");
        }
        return d;
    }

    /**
     * The JSON file's path: its directory must already exist (a typo must not create directories; pgwarden never
     * does), and the path must not be a directory itself.
     */
    static Path outputFile(String v) {
        Path path = InputParsers.path(v);
        Path parent = path.toAbsolutePath().normalize().getParent();
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException("is a directory; expected the path of a file, e.g. " + path.resolve("topology.json"));
        }
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("its directory " + parent + (Files.exists(parent) ? " is not a directory"
                    : " does not exist") + "; pgwarden does not create directories: create it or fix the path");
        }
        return path;
    }

    /**
     * The first line of the password file, or null with a problem recorded. Messages put no ": " right after the
     * path: secret masking would hide the word after a path ending in "password".
     */
    private static String readPassword(Setting setting, Problems problems) {
        Path path = Path.of(setting.value().trim());
        try {
            String first = Files.readString(path).lines().findFirst().orElse("").strip();
            if (first.isEmpty()) {
                problems.add(setting.describe() + " (the file is empty; write the password of --user on its first line)");
                return null;
            }
            return first;
        } catch (IOException | java.io.UncheckedIOException e) {
            problems.add(setting.describe() + " (no such file, or not readable by this user)");
            return null;
        }
    }

    private static String sslmode(String v) {
        if (!List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full").contains(v)) {
            throw new IllegalArgumentException("allowed values are disable, allow, prefer, require, verify-ca, verify-full");
        }
        return v;
    }
}
