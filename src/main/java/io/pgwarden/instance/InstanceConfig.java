package io.pgwarden.instance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to run one local PostgreSQL, validated by the CLI and frozen before anything
 * starts.
 *
 * @param dataDir         the data directory (absolute)
 * @param passwordFile    where the superuser password is kept (mode 0600)
 * @param superuser       the bootstrap superuser initdb creates
 * @param listenAddresses {@code listen_addresses}, e.g. {@code [127.0.0.1]}
 * @param port            the TCP port
 * @param allowedNetworks CIDRs allowed in pg_hba.conf besides loopback
 * @param settings        tuned settings, in order, written to {@value ServerConfigWriter#INCLUDE_FILE}
 * @param serverLog       file the server's stderr is appended to; null to pass it through
 * @param startTimeout    how long a start (including crash recovery) may take before it is a failure
 * @param stopTimeout     how long each shutdown mode is given before escalating to the next
 * @param restartPolicy   restart backoff and give-up limits
 * @param initialPassword the superuser's password for the first initdb (POSTGRES_PASSWORD / POSTGRES_PASSWORD_FILE),
 *                        or null to generate one; never used once the data directory exists
 * @param tls             the server's TLS files and whether the network must use TLS; null for no TLS
 */
public record InstanceConfig(Path dataDir, Path passwordFile, String superuser, List<String> listenAddresses, int port,
        List<String> allowedNetworks, Map<String, String> settings, Path serverLog, Duration startTimeout,
        Duration stopTimeout, RestartPolicy restartPolicy, InitialPassword initialPassword, ServerTls tls) {

    public static final String DEFAULT_SUPERUSER = "postgres";
    /** Kept inside the data directory so it travels with the volume and with base backups (the role does too). */
    public static final String PASSWORD_FILE_NAME = "pgwarden.password";
    /** Crash recovery after a long uptime can replay gigabytes of WAL; five minutes covers most. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(5);
    /** Smart 10 s + fast 10 s + immediate stays inside Kubernetes' default 30 s grace period. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

    public InstanceConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        dataDir = dataDir.toAbsolutePath().normalize();
        passwordFile = passwordFile == null ? dataDir.resolve(PASSWORD_FILE_NAME) : passwordFile.toAbsolutePath().normalize();
        superuser = superuser == null ? DEFAULT_SUPERUSER : superuser;
        listenAddresses = List.copyOf(listenAddresses);
        allowedNetworks = List.copyOf(allowedNetworks);
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        serverLog = serverLog == null ? null : serverLog.toAbsolutePath().normalize();
        startTimeout = startTimeout == null ? DEFAULT_START_TIMEOUT : startTimeout;
        stopTimeout = stopTimeout == null ? DEFAULT_STOP_TIMEOUT : stopTimeout;
        restartPolicy = restartPolicy == null ? RestartPolicy.DEFAULT : restartPolicy;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1-65535");
        }
    }

    /** Without TLS. */
    public InstanceConfig(Path dataDir, Path passwordFile, String superuser, List<String> listenAddresses, int port,
            List<String> allowedNetworks, Map<String, String> settings, Path serverLog, Duration startTimeout,
            Duration stopTimeout, RestartPolicy restartPolicy, InitialPassword initialPassword) {
        this(dataDir, passwordFile, superuser, listenAddresses, port, allowedNetworks, settings, serverLog, startTimeout,
                stopTimeout, restartPolicy, initialPassword, null);
    }

    /** Without an initial password (initdb gets a generated one) and without TLS. */
    public InstanceConfig(Path dataDir, Path passwordFile, String superuser, List<String> listenAddresses, int port,
            List<String> allowedNetworks, Map<String, String> settings, Path serverLog, Duration startTimeout,
            Duration stopTimeout, RestartPolicy restartPolicy) {
        this(dataDir, passwordFile, superuser, listenAddresses, port, allowedNetworks, settings, serverLog, startTimeout,
                stopTimeout, restartPolicy, null, null);
    }

    /** Loopback only, default timeouts and restart policy, no tuned settings. */
    public static InstanceConfig local(Path dataDir, int port) {
        return new InstanceConfig(dataDir, null, null, List.of("127.0.0.1"), port, List.of(), Map.of(),
                dataDir.toAbsolutePath().resolve("log/postgresql.log"), null, null, null);
    }

    public InstanceConfig withSettings(Map<String, String> tuned) {
        return new InstanceConfig(dataDir, passwordFile, superuser, listenAddresses, port, allowedNetworks, tuned,
                serverLog, startTimeout, stopTimeout, restartPolicy, initialPassword, tls);
    }

    public InstanceConfig withRestartPolicy(RestartPolicy policy) {
        return new InstanceConfig(dataDir, passwordFile, superuser, listenAddresses, port, allowedNetworks, settings,
                serverLog, startTimeout, stopTimeout, policy, initialPassword, tls);
    }

    public InstanceConfig withAllowedNetworks(List<String> cidrs) {
        return new InstanceConfig(dataDir, passwordFile, superuser, listenAddresses, port, cidrs, settings,
                serverLog, startTimeout, stopTimeout, restartPolicy, initialPassword, tls);
    }

    public InstanceConfig withTls(ServerTls serverTls) {
        return new InstanceConfig(dataDir, passwordFile, superuser, listenAddresses, port, allowedNetworks, settings,
                serverLog, startTimeout, stopTimeout, restartPolicy, initialPassword, serverTls);
    }

    /** The host clients should use: the first listen address, or loopback for wildcards. */
    public String clientHost() {
        String first = listenAddresses.isEmpty() ? "127.0.0.1" : listenAddresses.get(0);
        return first.equals("*") || first.equals("0.0.0.0") ? "127.0.0.1" : first.equals("::") ? "::1" : first;
    }
}
