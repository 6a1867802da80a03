package io.pgwarden.cli;

import io.pgwarden.agent.RunSettings;
import io.pgwarden.agent.TuneRequest;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.config.Setting;
import io.pgwarden.core.PgVersion;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.instance.InstanceConfig;
import io.pgwarden.instance.ReplicaProvisioner;
import io.pgwarden.instance.RestartPolicy;
import io.pgwarden.pg.BinariesRequest;
import io.pgwarden.pg.BinariesResolver;
import io.pgwarden.pg.ConnectionSpec;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of a node that owns its PostgreSQL, shared by {@code run} (a container's entrypoint) and
 * {@code up} (the same node with {@link Defaults#DEVELOPER developer defaults}): data directory, network,
 * binaries, supervision, tuning, migrations, health server and {@code --replica-of}.
 */
public final class ServerOptions {
    /** What {@code run} and {@code up} differ in when an option is not given. */
    record Defaults(String dataDir, List<String> listen, boolean serverLogInDataDir, String healthAddress, int healthPort) {
        /** A container: all interfaces, PostgreSQL's log on the container's output, probes from the kubelet on 8008. */
        static final Defaults CONTAINER = new Defaults(UpCommand.DEFAULT_DATA_DIR, List.of("*"), false, "0.0.0.0",
                io.pgwarden.health.HealthServer.DEFAULT_PORT);
        /**
         * A developer's machine: loopback only, PostgreSQL's log in the data directory (the terminal shows
         * pgwarden's lines), the health server on loopback and a free port, so several nodes can run side by side.
         */
        static final Defaults DEVELOPER = new Defaults(UpCommand.DEFAULT_DATA_DIR, List.of("127.0.0.1"), true, "127.0.0.1", 0);
    }

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory; created and initialised when missing or empty, reused otherwise. Env: PGDATA."
                    + " Default: pgwarden-data in the current directory.")
    String dataDir;

    @Option(names = "--port", paramLabel = "N", description = "PostgreSQL's TCP port. Env: PGPORT. Default: 5432.")
    String port;

    @Option(names = "--listen", paramLabel = "ADDRS",
            description = "listen_addresses: comma-separated IP addresses, localhost or *. Env: PGWARDEN_LISTEN."
                    + " Default: 127.0.0.1 for up, * (all) for run.")
    String listen;

    @Option(names = "--allow", paramLabel = "CIDRS",
            description = "Networks allowed in pg_hba.conf besides loopback (scram-sha-256), e.g. 10.0.0.0/8,fd00::/8."
                    + " Env: PGWARDEN_ALLOW. Default: none (loopback only).")
    String allow;

    @Option(names = "--pg-version", paramLabel = "N",
            description = "PostgreSQL major to run (15-18 can be downloaded). Env: PGWARDEN_PG_VERSION."
                    + " Default: the data directory's, else what is installed, else 18.")
    String pgVersion;

    @Option(names = "--pg-bin", paramLabel = "DIR",
            description = "Directory with postgres, initdb and pg_ctl. Env: PG_BINDIR. Default: see Binaries above.")
    String pgBin;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Where the generated superuser password is kept. Env: PGWARDEN_PASSWORD_FILE."
                    + " Default: <data-dir>/pgwarden.password.")
    String passwordFile;

    @Mixin
    SuperuserOptions superuserOptions;

    @Option(names = "--server-log", paramLabel = "FILE|-",
            description = "File PostgreSQL's log is appended to, or - for this process's output. Env: PGWARDEN_SERVER_LOG."
                    + " Default: <data-dir>/log/postgresql.log for up, - for run.")
    String serverLog;

    @Option(names = "--stop-timeout", paramLabel = "DURATION",
            description = "Time given to each shutdown mode (smart, then fast) before the next. Env: PGWARDEN_STOP_TIMEOUT."
                    + " Default: 10s.")
    String stopTimeout;

    @Option(names = "--start-timeout", paramLabel = "DURATION",
            description = "Time a start (with crash recovery) may take. Env: PGWARDEN_START_TIMEOUT. Default: 5m.")
    String startTimeout;

    @Option(names = "--max-restarts", paramLabel = "N",
            description = "Restarts allowed within --restart-window; the crash after them ends pgwarden (exit 9)."
                    + " Env: PGWARDEN_MAX_RESTARTS. Default: 5.")
    String maxRestarts;

    @Option(names = "--restart-window", paramLabel = "DURATION",
            description = "Window for --max-restarts. Env: PGWARDEN_RESTART_WINDOW. Default: 60s.")
    String restartWindow;

    @Mixin
    TuningOptions tuningOptions;

    @Option(names = "--no-tune", negatable = false, description = "Keep PostgreSQL's default settings (no tuning).")
    boolean noTune;

    @Mixin
    AgentMigrationOptions migrations;

    @Option(names = "--database", paramLabel = "NAME",
            description = "Database the migrations apply to; created when missing. Env: POSTGRES_DB. Default: postgres.")
    String database;

    @Mixin
    HealthOptions health;

    @Mixin
    ReplicaOptions replica;

    @Mixin
    TlsOptions tls;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file with any of the options above (keys without dashes, e.g. 'port: 5433'). Env: PGWARDEN_CONFIG.")
    Path config;

    /** A node's validated settings and the primary it follows (null for a primary). */
    record Node(RunSettings settings, ReplicaProvisioner.Source replicaOf) {
    }

    /**
     * Resolves every option (flag &gt; env &gt; file &gt; default) and checks the tuning inputs, reporting all
     * problems at once.
     *
     * @throws PgWardenException INVALID_INPUT (exit 2) listing every problem
     */
    Node settings(ConfigSources sources, Defaults defaults) {
        Problems problems = new Problems();
        Path data = sources.resolve(problems, Path.of(defaults.dataDir()), InputParsers::path, "--data-dir", dataDir, "PGDATA");
        int p = sources.resolve(problems, 5432, InputParsers::port, "--port", port, "PGPORT");
        List<String> listenAddrs = sources.resolve(problems, defaults.listen(), InputParsers::listenAddresses, "--listen", listen,
                "PGWARDEN_LISTEN");
        List<String> networks = sources.resolve(problems, List.of(), InputParsers::cidrs, "--allow", allow, "PGWARDEN_ALLOW");
        Optional<Setting> versionSetting = sources.find("--pg-version", pgVersion, "PGWARDEN_PG_VERSION");
        PgVersion major = sources.resolve(problems, null, InputParsers::major, "--pg-version", pgVersion, "PGWARDEN_PG_VERSION");
        Optional<Setting> binSetting = sources.find("--pg-bin", pgBin, BinariesResolver.ENV);
        Path bin = sources.resolve(problems, null, InputParsers::path, "--pg-bin", pgBin, BinariesResolver.ENV);
        Path pwFile = sources.resolve(problems, null, InputParsers::path, "--password-file", passwordFile, "PGWARDEN_PASSWORD_FILE");
        SuperuserOptions.Resolved su = superuserOptions.resolve(sources, problems);
        String logValue = sources.resolve(problems, null, ServerOptions::serverLog, "--server-log", serverLog,
                "PGWARDEN_SERVER_LOG");
        Duration stop = sources.resolve(problems, InstanceConfig.DEFAULT_STOP_TIMEOUT, InputParsers::positiveDuration,
                "--stop-timeout", stopTimeout, "PGWARDEN_STOP_TIMEOUT");
        Duration start = sources.resolve(problems, InstanceConfig.DEFAULT_START_TIMEOUT, InputParsers::positiveDuration,
                "--start-timeout", startTimeout, "PGWARDEN_START_TIMEOUT");
        int restarts = sources.resolve(problems, RestartPolicy.DEFAULT.maxRestarts(), InputParsers::positive,
                "--max-restarts", maxRestarts, "PGWARDEN_MAX_RESTARTS");
        Duration window = sources.resolve(problems, RestartPolicy.DEFAULT.window(), InputParsers::positiveDuration,
                "--restart-window", restartWindow, "PGWARDEN_RESTART_WINDOW");
        // the flag, or no-tune: true in the configuration file
        boolean skipTuning = noTune || sources.resolve(problems, false, InputParsers::bool, "--no-tune", null);
        TuningOptions.Inputs tuningInputs = skipTuning ? null : tuningOptions.resolve(sources, problems);
        AgentMigrationOptions.Resolved migrate = migrations.resolve(sources, problems);
        String db = sources.resolve(problems, RunSettings.DEFAULT_DATABASE, InputParsers::identifier, "--database",
                database, "POSTGRES_DB");
        InetSocketAddress address = health.resolve(sources, problems, defaults.healthAddress(), defaults.healthPort());
        Duration monitor = health.monitorInterval(sources, problems);
        // the agent's own connections go to this node's server as its superuser, so where libpq's variables would
        // point elsewhere (PGHOST, PGPORT, PGDATABASE, PGUSER) they are not used; PGPASSWORD, PGSSLMODE... are
        Map<String, String> libpq = new java.util.HashMap<>(sources.environment());
        libpq.keySet().removeAll(List.of("PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER"));
        ConnectionSpec clientDefaults = ConnectionSpec.fromEnv(Map.of());
        try {
            clientDefaults = ConnectionSpec.fromEnv(libpq);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        TlsOptions.Resolved tlsSettings = tls.resolve(sources, problems, java.time.Instant.now());
        if (tlsSettings.sslmode() != null || tlsSettings.rootcert() != null) {
            clientDefaults = clientDefaults.withSsl(tlsSettings.sslmode() == null ? clientDefaults.sslmode()
                    : tlsSettings.sslmode(), tlsSettings.rootcert());
        }
        Path absData = data.toAbsolutePath().normalize();
        ReplicaProvisioner.Source replicaOf = replica.source(sources, problems, absData);
        problems.throwIfAny();

        TuneRequest tuning = null;
        if (tuningInputs != null) {
            tuning = new TuneRequest(tuningInputs.overrides(), tuningInputs.workload(), tuningInputs.storage(),
                    tuningInputs.preloadLibraries());
            tuning.check();
        }
        Path log = logValue == null
                ? (defaults.serverLogInDataDir() ? absData.resolve("log/postgresql.log") : null)
                : logValue.trim().equals("-") ? null : Path.of(logValue.trim()).toAbsolutePath().normalize();
        InstanceConfig instance = new InstanceConfig(absData, pwFile, su.superuser(), listenAddrs, p, networks, Map.of(), log,
                start, stop, RestartPolicy.DEFAULT.withLimits(restarts, window), su.initialPassword(),
                tlsSettings.server());
        BinariesRequest binaries = new BinariesRequest(bin, binSetting.map(Setting::origin).orElse(null), major,
                versionSetting.map(Setting::origin).orElse(null));
        return new Node(new RunSettings(instance, binaries, tuning, clientDefaults, address, migrate.dir(), db,
                migrate.schema(), migrate.lockTimeout(), monitor), replicaOf);
    }

    /** {@code -} or a file path whose existing part is not a directory (PostgreSQL appends to it). */
    private static String serverLog(String text) {
        if (text.trim().equals("-")) {
            return "-";
        }
        Path file = InputParsers.path(text);
        if (java.nio.file.Files.isDirectory(file)) {
            throw new IllegalArgumentException("this is a directory; give a file in it, e.g. "
                    + file.resolve("postgresql.log") + ", or - for this process's output");
        }
        return text.trim();
    }

    /** Where {@code --data-dir} came from when not the flag (e.g. "from PGDATA"); null for the flag or the default. */
    String dataDirOrigin(ConfigSources sources) {
        return sources.find("--data-dir", dataDir, "PGDATA")
                .map(s -> s.origin().equals("--data-dir") ? null : "from " + s.origin()).orElse(null);
    }
}
