package io.pgwarden.cli;

import io.pgwarden.agent.SidecarAgent;
import io.pgwarden.agent.SidecarSettings;
import io.pgwarden.agent.StopSignal;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.core.Clock;
import io.pgwarden.pg.ConnectionSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden sidecar}: health, metrics and migrations for a PostgreSQL that pgwarden does not own. */
@Command(name = "sidecar", mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Serves health endpoints and metrics for a PostgreSQL it does not own, next to it (a sidecar"
                + " container). Waits for the server (--wait-timeout), creates the database if missing, applies and"
                + " watches migrations. While the server is away it keeps answering /liveness and reports /readiness 503"
                + " instead of exiting. Stops on SIGTERM with exit code 0.",
                "",
                "Examples:",
                "  DATABASE_URL=postgresql://app:secret@127.0.0.1:5432/app \\",
                "      MIGRATIONS_DIR=/migrations pgwarden sidecar",
                "  pgwarden sidecar --database-url postgresql://app@db/app \\",
                "      --health-port 8008 --wait-timeout 2m",
                ""})
public final class SidecarCommand extends AbstractCommand {
    @Option(names = "--database-url", paramLabel = "URL",
            description = "The database to serve, e.g. postgresql://app:secret@127.0.0.1:5432/app. Env: DATABASE_URL;"
                    + " without either, the libpq variables PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE.")
    String databaseUrl;

    @Option(names = "--sslmode", paramLabel = "MODE",
            description = "SSL mode of the connections to the server: disable, allow, prefer, require, verify-ca,"
                    + " verify-full. Env: PGSSLMODE (or sslmode in the URL). Default: prefer.")
    String sslmode;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "CA the server's certificate is verified with (verify-ca, verify-full), e.g. the ca.crt of"
                    + " 'pgwarden certs'. Env: PGWARDEN_TLS_CA. Default: PGSSLROOTCERT or sslrootcert in the URL.")
    String tlsCa;

    @Mixin
    AgentMigrationOptions migrations;

    @Option(names = "--wait-timeout", paramLabel = "DURATION",
            description = "How long to wait at start for the server to accept connections before exiting with code 1,"
                    + " e.g. 30s, 5m. Env: WAIT_TIMEOUT. Default: 5m.")
    String waitTimeout;

    @Option(names = "--no-create-database", negatable = false,
            description = "Do not create the database when it does not exist (it is created by default). Env:"
                    + " CREATE_DATABASE=false.")
    boolean noCreateDatabase;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File holding the password of the --database-url user, e.g. pgwarden-data/pgwarden.password"
                    + " (what 'up' generates); wins over PGPASSWORD and a password in the URL. Env: PGWARDEN_PASSWORD_FILE.")
    String passwordFile;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file of settings (keys are the long flag names). Env: PGWARDEN_CONFIG.")
    Path config;

    @Mixin
    HealthOptions health;

    @Override
    protected int execute() throws InterruptedException {
        SidecarSettings settings = settings(sources(config));
        StopSignal stop = StopSignal.install();
        return new SidecarAgent(settings, Clock.SYSTEM).run(stop);
    }

    /** Resolves and validates every setting, reporting all problems at once (exit code 2). */
    SidecarSettings settings(ConfigSources sources) {
        Problems problems = new Problems();
        ConnectionSpec defaults;
        try {
            defaults = ConnectionSpec.fromEnv(sources.environment());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            defaults = ConnectionSpec.fromEnv(Map.of());
        }
        ConnectionSpec base = defaults;
        ConnectionSpec target = sources.resolve(problems, base, u -> ConnectionSpec.parseUrl(u, base), "--database-url",
                databaseUrl, "DATABASE_URL");
        // PGSSLMODE and sslmode in the URL are in the spec already; the flag (or the file) overrides them
        String mode = sources.resolve(problems, null, TlsOptions::mode, "--sslmode", sslmode);
        java.nio.file.Path ca = sources.resolve(problems, null, InputParsers::readableFile, "--tls-ca", tlsCa,
                "PGWARDEN_TLS_CA");
        if (mode != null || (ca != null && target.sslrootcert() == null)) {
            target = target.withSsl(mode == null ? target.sslmode() : mode,
                    ca == null || target.sslrootcert() != null ? null : ca.toAbsolutePath().normalize().toString());
        }
        AgentMigrationOptions.Resolved migrate = migrations.resolve(sources, problems);
        Duration wait = sources.resolve(problems, SidecarSettings.DEFAULT_WAIT_TIMEOUT, InputParsers::positiveDuration,
                "--wait-timeout", waitTimeout, "WAIT_TIMEOUT");
        // the flag, or no-create-database: true in the configuration file, or CREATE_DATABASE=false
        boolean create = !noCreateDatabase && !sources.resolve(problems, false, InputParsers::bool, "--no-create-database",
                null) && sources.resolve(problems, true, InputParsers::bool, "--create-database", null, "CREATE_DATABASE");
        var address = health.resolve(sources, problems, "0.0.0.0", io.pgwarden.health.HealthServer.DEFAULT_PORT);
        Duration monitor = health.monitorInterval(sources, problems);
        Path pwFile = sources.resolve(problems, null, InputParsers::readableFile, "--password-file", passwordFile,
                "PGWARDEN_PASSWORD_FILE");
        problems.throwIfAny();
        if (pwFile != null) {
            target = target.withUser(target.user(), io.pgwarden.instance.PasswordFile.read(pwFile));
        }
        return new SidecarSettings(target, migrate.dir(), migrate.schema(), migrate.lockTimeout(), address, wait, create,
                monitor);
    }
}
