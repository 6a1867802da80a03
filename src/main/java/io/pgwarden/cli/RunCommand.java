package io.pgwarden.cli;

import io.pgwarden.agent.RunAgent;
import io.pgwarden.agent.RunSettings;
import io.pgwarden.agent.TerminationSignal;
import io.pgwarden.agent.TuneRequest;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.config.Setting;
import io.pgwarden.core.Clock;
import io.pgwarden.core.PgVersion;
import io.pgwarden.instance.InstanceConfig;
import io.pgwarden.instance.RestartPolicy;
import io.pgwarden.pg.BinariesRequest;
import io.pgwarden.pg.BinariesResolver;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.SystemProcessRunner;
import io.pgwarden.tune.Profile;
import io.pgwarden.tune.ResourceOverrides;
import io.pgwarden.tune.StorageType;
import io.pgwarden.tune.Workload;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden run}: the container entrypoint (PID 1) for a node that owns its PostgreSQL. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = VersionProvider.class,
        description = {"Runs a node that owns its PostgreSQL, as a container's entrypoint (PID 1).",
                "",
                "Order: the health server starts first (/liveness answers at once), then pgwarden resolves the binaries,"
                        + " tunes PostgreSQL for the container's memory and CPUs, initialises the data directory on first"
                        + " start (or reuses it), starts PostgreSQL under supervision (restarts after crashes with backoff),"
                        + " applies the migrations when the server is a primary, and keeps watching the migrations directory.",
                "SIGTERM (or Ctrl-C) stops PostgreSQL cleanly: smart, then fast after --stop-timeout, then immediate; then"
                        + " pgwarden exits 0. PostgreSQL's log goes to this process's output unless --server-log names a file.",
                "",
                "Examples:",
                "  pgwarden run                                   # PGDATA, POSTGRES_MEMORY, MIGRATIONS_DIR from the environment",
                "  pgwarden run --data-dir /srv/pg --allow 10.0.0.0/8 --migrations-dir /migrations --database app",
                "  pgwarden run --memory 2GB --workload oltp --health-port 8008 --stop-timeout 20s",
                "  PGPASSWORD=... pgwarden run --replica-of db-0.db:5432 --node-name db-1   # clone, then follow",
                ""})
public final class RunCommand extends AbstractCommand {
    @Mixin
    UpReplica replica;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory; initialised when missing or empty. Env: PGDATA. Default: ./pgwarden-data.")
    String dataDir;

    @Option(names = "--port", paramLabel = "N", description = "PostgreSQL's TCP port. Env: PGPORT. Default: 5432.")
    String port;

    @Option(names = "--listen", paramLabel = "ADDRS",
            description = "listen_addresses: comma-separated addresses or *. Env: PGWARDEN_LISTEN. Default: * (all).")
    String listen;

    @Option(names = "--allow", paramLabel = "CIDRS",
            description = "Networks allowed in pg_hba.conf besides loopback (scram-sha-256), e.g. 10.0.0.0/8."
                    + " Env: PGWARDEN_ALLOW. Default: none (loopback only).")
    String allow;

    @Option(names = "--pg-version", paramLabel = "N",
            description = "PostgreSQL major to run. Env: PGWARDEN_PG_VERSION. Default: the data directory's, else what is"
                    + " installed, else 18.")
    String pgVersion;

    @Option(names = "--pg-bin", paramLabel = "DIR",
            description = "Directory with postgres, initdb and pg_ctl. Env: PG_BINDIR.")
    String pgBin;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Where the generated superuser password is kept. Env: PGWARDEN_PASSWORD_FILE."
                    + " Default: <data-dir>/pgwarden.password.")
    String passwordFile;

    @Option(names = "--server-log", paramLabel = "FILE|-",
            description = "File PostgreSQL's log is appended to, or - for this process's output. Env: PGWARDEN_SERVER_LOG."
                    + " Default: -.")
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
                    + " Env: PGWARDEN_MAX_RESTARTS."
                    + " Default: 5.")
    String maxRestarts;

    @Option(names = "--restart-window", paramLabel = "DURATION",
            description = "Window for --max-restarts. Env: PGWARDEN_RESTART_WINDOW. Default: 60s.")
    String restartWindow;

    @Mixin
    TuningOptions tuningOptions;

    @Option(names = "--no-tune", negatable = false, description = "Keep PostgreSQL's default settings.")
    boolean noTune;

    @Option(names = "--migrations-dir", paramLabel = "DIR",
            description = "Migrations to apply on a primary and watch (a mounted ConfigMap works as is). Env: MIGRATIONS_DIR,"
                    + " then CONFIGMAP_PATH. Default: none.")
    String migrationsDir;

    @Option(names = "--database", paramLabel = "NAME",
            description = "Database the migrations apply to; created when missing. Env: POSTGRES_DB. Default: postgres.")
    String database;

    @Option(names = "--schema", paramLabel = "SCHEMA",
            description = "Schema of the migration history table. Env: MIGRATE_SCHEMA. Default: public.")
    String schema;

    @Option(names = "--lock-timeout", paramLabel = "DURATION",
            description = "How long to wait for another runner's migration lock. Env: MIGRATE_LOCK_TIMEOUT. Default: 5m.")
    String lockTimeout;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file with any of the options above (keys without dashes, e.g. 'port: 5433'). Env: PGWARDEN_CONFIG.")
    Path config;

    @Mixin
    HealthOptions health;

    /** Defaults that {@code up} changes for a developer machine. */
    record Defaults(String dataDir, List<String> listen, String serverLog, String healthAddress) {
        static final Defaults CONTAINER = new Defaults("pgwarden-data", List.of("*"), "-", "0.0.0.0");
    }

    @Override
    protected int execute() throws InterruptedException {
        RunSettings settings = settings(sources(config), Defaults.CONTAINER);
        io.pgwarden.instance.ReplicaProvisioner.Source replicaOf = replica.source(sources(config), settings.instance().dataDir());
        TerminationSignal stop = TerminationSignal.install();
        return new RunAgent(settings, BinariesResolver.defaults(env(), System.err), new SystemProcessRunner(),
                Privileges.detect(null), Clock.SYSTEM).replicaOf(replicaOf).run(stop);
    }

    /** Resolves every option (flag &gt; env &gt; file &gt; default), reporting all problems at once (exit 2). */
    RunSettings settings(ConfigSources sources, Defaults defaults) {
        Problems problems = new Problems();
        Path data = sources.resolve(problems, Path.of(defaults.dataDir()), Path::of, "--data-dir", dataDir, "PGDATA");
        int p = sources.resolve(problems, 5432, InputParsers::port, "--port", port, "PGPORT");
        List<String> listenAddrs = sources.resolve(problems, defaults.listen(), InputParsers::listenAddresses, "--listen", listen,
                "PGWARDEN_LISTEN");
        List<String> networks = sources.resolve(problems, List.of(), InputParsers::cidrs, "--allow", allow, "PGWARDEN_ALLOW");
        Optional<Setting> versionSetting = sources.find("--pg-version", pgVersion, "PGWARDEN_PG_VERSION");
        PgVersion major = sources.resolve(problems, null, PgVersion::parse, "--pg-version", pgVersion, "PGWARDEN_PG_VERSION");
        Optional<Setting> binSetting = sources.find("--pg-bin", pgBin, BinariesResolver.ENV);
        Path bin = sources.resolve(problems, null, Path::of, "--pg-bin", pgBin, BinariesResolver.ENV);
        Path pwFile = sources.resolve(problems, null, Path::of, "--password-file", passwordFile, "PGWARDEN_PASSWORD_FILE");
        String logValue = sources.resolve(problems, defaults.serverLog(), s -> s, "--server-log", serverLog,
                "PGWARDEN_SERVER_LOG");
        Duration stop = sources.resolve(problems, InstanceConfig.DEFAULT_STOP_TIMEOUT, SidecarCommand::positive,
                "--stop-timeout", stopTimeout, "PGWARDEN_STOP_TIMEOUT");
        Duration start = sources.resolve(problems, InstanceConfig.DEFAULT_START_TIMEOUT, SidecarCommand::positive,
                "--start-timeout", startTimeout, "PGWARDEN_START_TIMEOUT");
        int restarts = sources.resolve(problems, RestartPolicy.DEFAULT.maxRestarts(), InputParsers::positive,
                "--max-restarts", maxRestarts, "PGWARDEN_MAX_RESTARTS");
        Duration window = sources.resolve(problems, RestartPolicy.DEFAULT.window(), SidecarCommand::positive,
                "--restart-window", restartWindow, "PGWARDEN_RESTART_WINDOW");
        TuneRequest tuning = noTune ? null : tuning(sources, problems);
        Path migrations = sources.resolve(problems, null, SidecarCommand::existingDirectory, "--migrations-dir",
                migrationsDir, "MIGRATIONS_DIR", "CONFIGMAP_PATH");
        String db = sources.resolve(problems, RunSettings.DEFAULT_DATABASE, SidecarCommand::identifier, "--database",
                database, "POSTGRES_DB");
        String historySchema = sources.resolve(problems, "public", SidecarCommand::identifier, "--schema", schema,
                "MIGRATE_SCHEMA");
        Duration lock = sources.resolve(problems, Duration.ofMinutes(5), SidecarCommand::positive, "--lock-timeout",
                lockTimeout, "MIGRATE_LOCK_TIMEOUT");
        InetSocketAddress address = health.resolve(sources, problems, defaults.healthAddress());
        Duration monitor = health.monitorInterval(sources, problems);
        ConnectionSpec clientDefaults = ConnectionSpec.fromEnv(Map.of());
        try {
            clientDefaults = ConnectionSpec.fromEnv(sources.environment());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        problems.throwIfAny();

        Path absData = data.toAbsolutePath().normalize();
        Path log = logValue.trim().equals("-") ? null : Path.of(logValue.trim());
        InstanceConfig instance = new InstanceConfig(absData, pwFile, null, listenAddrs, p, networks, Map.of(), log, start,
                stop, RestartPolicy.DEFAULT.withLimits(restarts, window));
        BinariesRequest binaries = new BinariesRequest(bin, binSetting.map(Setting::origin).orElse(null), major,
                versionSetting.map(Setting::origin).orElse(null));
        return new RunSettings(instance, binaries, tuning, clientDefaults, address, migrations, db, historySchema, lock, monitor);
    }

    private TuneRequest tuning(ConfigSources sources, Problems problems) {
        TuningOptions.Inputs in = tuningOptions.resolve(sources, problems);
        return new TuneRequest(in.overrides(), in.workload(), in.storage(), in.preloadLibraries());
    }

}
