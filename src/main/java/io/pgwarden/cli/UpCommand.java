package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.config.Setting;
import io.pgwarden.core.Clock;
import io.pgwarden.core.PgVersion;
import io.pgwarden.instance.InstanceConfig;
import io.pgwarden.instance.LocalInstance;
import io.pgwarden.instance.Preflight;
import io.pgwarden.instance.RestartPolicy;
import io.pgwarden.instance.ServerFiles;
import io.pgwarden.instance.Supervisor;
import io.pgwarden.pg.BinariesRequest;
import io.pgwarden.pg.BinariesResolver;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.SystemProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgwarden up}: a tuned, supervised PostgreSQL on this machine, initialised on first run. */
@Command(name = "up", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Starts a tuned PostgreSQL on this machine and keeps it running until Ctrl-C or SIGTERM.",
                "",
                "On first run it initialises the data directory (data checksums, locale C.UTF-8, UTF8, scram-sha-256)"
                        + " and generates a random superuser password, kept in <data-dir>/pgwarden.password (mode 0600);"
                        + " later runs reuse the directory. Settings pgwarden manages go to <data-dir>/pgwarden.conf;"
                        + " pg_hba.conf allows loopback (and --allow networks) only.",
                "When PostgreSQL is ready it prints one line: 'ready: <url> (password file: <path>)'."
                        + " A crashed server is restarted with backoff (1 s, 2 s, 4 s ...); after --max-restarts"
                        + " crashes within --restart-window pgwarden gives up with exit code 9.",
                "Ctrl-C or SIGTERM stops PostgreSQL (smart, then fast after --stop-timeout, then immediate) and exits 0.",
                "",
                "Binaries, first found wins: --pg-bin / PG_BINDIR, pg_config on PATH, the newest /usr/lib/postgresql/N/bin,"
                        + " else PostgreSQL --pg-version (default 18) from Maven Central, cached in PGWARDEN_CACHE"
                        + " (default ~/.cache/pgwarden; /var/cache/pgwarden as root). As root, PostgreSQL runs as 'postgres'.",
                "",
                "Examples:",
                "  pgwarden up",
                "  pgwarden up --data-dir /srv/pg --port 5433",
                "  pgwarden up --pg-version 17          # downloads 17 unless it is installed",
                "  pgwarden up --listen 0.0.0.0 --allow 10.0.0.0/8",
                "  pgwarden up --data-dir /srv/replica --port 5434 --replica-of 127.0.0.1:5433 \\",
                "      --primary-password-file /srv/pg/pgwarden.password   # clone, then follow",
                "  PGPASSWORD=$(cat pgwarden-data/pgwarden.password) psql -h 127.0.0.1 -U postgres",
                ""})
public final class UpCommand extends AbstractCommand {
    static final String DEFAULT_DATA_DIR = "pgwarden-data";

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory; created and initialised when missing or empty. Env: PGDATA. Default: pgwarden-data in the current directory.")
    String dataDir;

    @Option(names = "--port", paramLabel = "N", description = "TCP port. Env: PGPORT. Default: 5432.")
    String port;

    @Option(names = "--listen", paramLabel = "ADDRS",
            description = "listen_addresses: comma-separated IP addresses, localhost or *. Env: PGWARDEN_LISTEN. Default: 127.0.0.1.")
    String listen;

    @Option(names = "--allow", paramLabel = "CIDRS",
            description = "Networks allowed in pg_hba.conf besides loopback (scram-sha-256), e.g. 10.0.0.0/8,fd00::/8."
                    + " Env: PGWARDEN_ALLOW. Default: none.")
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

    @Option(names = "--server-log", paramLabel = "FILE|-",
            description = "File PostgreSQL's log is appended to, or - for this terminal. Env: PGWARDEN_SERVER_LOG."
                    + " Default: <data-dir>/log/postgresql.log.")
    String serverLog;

    @Option(names = "--stop-timeout", paramLabel = "DURATION",
            description = "Time given to each shutdown mode (smart, then fast) before the next. Env: PGWARDEN_STOP_TIMEOUT."
                    + " Default: 10s.")
    String stopTimeout;

    @Option(names = "--start-timeout", paramLabel = "DURATION",
            description = "Time a start (with crash recovery) may take. Env: PGWARDEN_START_TIMEOUT. Default: 5m.")
    String startTimeout;

    @Option(names = "--max-restarts", paramLabel = "N",
            description = "Crashes within --restart-window after which pgwarden gives up (exit 9). Env: PGWARDEN_MAX_RESTARTS."
                    + " Default: 5.")
    String maxRestarts;

    @Option(names = "--restart-window", paramLabel = "DURATION",
            description = "Window for --max-restarts. Env: PGWARDEN_RESTART_WINDOW. Default: 60s.")
    String restartWindow;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file with any of the options above (keys without dashes, e.g. 'port: 5433'). Env: PGWARDEN_CONFIG.")
    Path configFile;

    @picocli.CommandLine.Mixin
    TuningOptions tuningOptions;

    /** Set by {@link #parse}; replaceable so tests can run without tuning. */
    UpTuning tuning = UpTuning.NONE;

    @picocli.CommandLine.Mixin
    UpReplica replica;

    /** The validated request; everything needed before touching disk. */
    record Request(InstanceConfig config, Path pgBin, String pgBinOrigin, PgVersion major, String majorOrigin,
            String dataDirOrigin) {
    }

    @Override
    protected int execute() throws Exception {
        Request request = parse(sources(configFile));
        InstanceConfig config = request.config();
        Privileges privileges = Privileges.detect(null);
        Preflight preflight = new Preflight(privileges);
        Preflight.Result inspected = preflight.inspect(config);
        Preflight.checkPortFree(config);

        PgVersion major = request.major();
        String majorOrigin = request.majorOrigin();
        if (major == null && !inspected.needsInit()) {
            major = new io.pgwarden.instance.DataDirectory(config.dataDir()).version().orElse(null);
            majorOrigin = "PG_VERSION of " + config.dataDir();
        }
        PgBinaries binaries = BinariesResolver.defaults(env(), System.err)
                .resolve(new BinariesRequest(request.pgBin(), request.pgBinOrigin(), major, majorOrigin));
        out().println("binaries: " + binaries.describe());
        config = config.withSettings(tuning.settings(binaries.version()));
        config = replica.prepare(sources(configFile), config, binaries, new ServerFiles(privileges), out());

        LocalInstance instance = new LocalInstance(config, binaries, new SystemProcessRunner(), new ServerFiles(privileges),
                Clock.SYSTEM);
        LocalInstance.Prepared prepared = instance.prepare();
        out().println("data directory: " + config.dataDir() + (request.dataDirOrigin() == null ? "" : " (" + request.dataDirOrigin() + ")")
                + (prepared.initialised() ? ", initialised now (checksums, C.UTF-8, UTF8, scram-sha-256)"
                : ", existing PostgreSQL " + binaries.version() + " data reused")
                + (privileges.isRoot() ? ", owned by " + privileges.effectiveServerUser() : ""));
        out().println("configuration: " + prepared.config().includeFile() + " (" + config.settings().size()
                + " tuned settings), " + prepared.config().hbaFile()
                + (prepared.config().hbaManaged() ? " (loopback" + (config.allowedNetworks().isEmpty() ? "" : ", "
                + String.join(", ", config.allowedNetworks())) + ")" : " (yours; not managed by pgwarden)")
                + (config.serverLog() == null ? "" : ", server log " + config.serverLog()));
        out().flush();

        String url = ConnectionSpec.fromEnv(java.util.Map.of()).withHostPort(config.clientHost(), config.port())
                .withUser(config.superuser(), null).withDatabase("postgres").display();
        String passwordNote = prepared.passwordFile() == null
                ? "no password file: this data directory was not initialised by pgwarden"
                : "password file: " + prepared.passwordFile();
        Supervisor supervisor = instance.supervisor(event -> {
            switch (event.kind()) {
                case STARTED -> out().println("ready: " + url + " (" + passwordNote + ")");
                case RESTARTED -> out().println("restarted: PostgreSQL is accepting connections again (pid " + event.pid() + ")");
                case CRASHED -> out().println("crashed: " + event.reason());
            }
            out().flush();
        });
        StopSignals.install(supervisor::requestStop);
        Supervisor.Outcome outcome = supervisor.run();
        out().println(outcome == Supervisor.Outcome.STOPPED ? "stopped: PostgreSQL shut down cleanly"
                : "stopped: PostgreSQL was shut down from outside pgwarden (exit 0)");
        out().flush();
        return 0;
    }

    /** Resolves every option (flag > env > file > default), reporting all problems at once. */
    Request parse(ConfigSources sources) {
        Problems problems = new Problems();
        Optional<Setting> dataDirSetting = sources.find("--data-dir", dataDir, "PGDATA");
        Path data = sources.resolve(problems, Path.of(DEFAULT_DATA_DIR), InputParsers::path, "--data-dir", dataDir, "PGDATA");
        int p = sources.resolve(problems, 5432, InputParsers::port, "--port", port, "PGPORT");
        List<String> listenAddrs = sources.resolve(problems, List.of("127.0.0.1"), InputParsers::listenAddresses,
                "--listen", listen, "PGWARDEN_LISTEN");
        List<String> networks = sources.resolve(problems, List.of(), InputParsers::cidrs, "--allow", allow, "PGWARDEN_ALLOW");
        Optional<Setting> versionSetting = sources.find("--pg-version", pgVersion, "PGWARDEN_PG_VERSION");
        PgVersion major = sources.resolve(problems, null, InputParsers::major, "--pg-version", pgVersion, "PGWARDEN_PG_VERSION");
        Optional<Setting> binSetting = sources.find("--pg-bin", pgBin, BinariesResolver.ENV);
        Path bin = sources.resolve(problems, null, InputParsers::path, "--pg-bin", pgBin, BinariesResolver.ENV);
        Path pwFile = sources.resolve(problems, null, InputParsers::path, "--password-file", passwordFile, "PGWARDEN_PASSWORD_FILE");
        Optional<Setting> logSetting = sources.find("--server-log", serverLog, "PGWARDEN_SERVER_LOG");
        Duration stop = sources.resolve(problems, InstanceConfig.DEFAULT_STOP_TIMEOUT, InputParsers::positiveDuration,
                "--stop-timeout", stopTimeout, "PGWARDEN_STOP_TIMEOUT");
        Duration start = sources.resolve(problems, InstanceConfig.DEFAULT_START_TIMEOUT, InputParsers::positiveDuration,
                "--start-timeout", startTimeout, "PGWARDEN_START_TIMEOUT");
        int restarts = sources.resolve(problems, RestartPolicy.DEFAULT.maxCrashes(), InputParsers::positive,
                "--max-restarts", maxRestarts, "PGWARDEN_MAX_RESTARTS");
        Duration window = sources.resolve(problems, RestartPolicy.DEFAULT.window(), InputParsers::positiveDuration,
                "--restart-window", restartWindow, "PGWARDEN_RESTART_WINDOW");
        UpTuning tuned = tuningOptions == null ? UpTuning.NONE
                : UpTuning.of(tuningOptions.resolve(sources, problems), problems, err());
        problems.throwIfAny();
        tuning = tuned;

        Path absData = data.toAbsolutePath().normalize();
        Path log = logSetting.map(s -> s.value().trim().equals("-") ? null : Path.of(s.value().trim()))
                .orElse(absData.resolve("log/postgresql.log"));
        InstanceConfig config = new InstanceConfig(absData, pwFile, null, listenAddrs, p, networks, java.util.Map.of(), log,
                start, stop, RestartPolicy.DEFAULT.withLimits(restarts, window));
        return new Request(config, bin, binSetting.map(Setting::origin).orElse(null), major,
                versionSetting.map(Setting::origin).orElse(null),
                dataDirSetting.map(s -> s.origin().equals("--data-dir") ? null : "from " + s.origin()).orElse(null));
    }
}
