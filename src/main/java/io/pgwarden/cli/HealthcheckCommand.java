package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.config.Setting;
import io.pgwarden.instance.HealthCheck;
import io.pgwarden.instance.InstanceConfig;
import io.pgwarden.instance.PasswordFile;
import io.pgwarden.pg.ConnectionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden healthcheck}: one check for a container HEALTHCHECK. */
@Command(name = "healthcheck", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Checks one PostgreSQL server for a container HEALTHCHECK and prints one line.",
                "Critical: it does not accept connections, SELECT 1 fails, or its role differs from --expect-role."
                        + " Warning: the data directory's file system has less than 10%% and less than 100 MB free, or"
                        + " the TLS certificate the server presents expires within --tls-expiry-warning (critical once"
                        + " expired).",
                "The password comes from --password-file, the URL, PGPASSWORD, or <data-dir>/pgwarden.password.",
                "",
                "Examples:",
                "  pgwarden healthcheck --data-dir ./pgwarden-data",
                "  pgwarden healthcheck --expect-role primary \\",
                "      --url postgresql://postgres@db:5432/postgres",
                "  HEALTHCHECK CMD pgwarden healthcheck --data-dir /var/lib/postgresql/data",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeOnInvalidInput = HealthcheckCommand.USAGE_EXIT_CODE,
        exitCodeList = {"0:healthy", "1:warning (low disk space, TLS certificate close to expiry)",
                "2:critical (not accepting connections, SELECT 1 failed, wrong role); also an expired TLS certificate",
                "64:usage error (unknown flag, invalid value), so a typo in a HEALTHCHECK line is not taken for a"
                        + " dead database"})
public final class HealthcheckCommand extends AbstractCommand {
    /** EX_USAGE of sysexits.h: 2, the usual usage code, means "critical" here. */
    static final int USAGE_EXIT_CODE = 64;

    @Mixin
    ServerConnectionFlags connection;

    @Option(names = "--expect-role", paramLabel = "primary|replica",
            description = "Critical unless the server has this role (Patroni's master and standby are accepted too)."
                    + " Env: PGWARDEN_EXPECT_ROLE. Default: either.")
    String expectRole;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory whose free disk space is checked, whose pgwarden.password is used, and whose"
                    + " running server is checked unless --port/--url/PGPORT say otherwise. Env: PGDATA. Default: no disk check.")
    String dataDir;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File whose first line is the password. Env: PGWARDEN_PASSWORD_FILE.")
    String passwordFile;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Connect timeout. Env: PGCONNECT_TIMEOUT (seconds). Default: 5s.")
    String timeout;

    @Option(names = "--tls-expiry-warning", paramLabel = "DURATION",
            description = "Warn when the server's TLS certificate expires within this. Env: PGWARDEN_TLS_EXPIRY_WARNING."
                    + " Default: 14d.")
    String tlsExpiryWarning;

    @Override
    protected int execute() throws Exception {
        ConfigSources sources = sources(null);
        Problems problems = new Problems();
        // the server running on the data directory, unless the connection options say where to look (a problem with
        // the value is reported below, after the connection's)
        Path local = sources.resolve(new Problems(), null, InputParsers::path, "--data-dir", dataDir, "PGDATA");
        ConnectionSpec spec = connection.resolve(sources, problems, local);
        HealthCheck.Role role = sources.resolve(problems, null, HealthcheckCommand::role, "--expect-role", expectRole,
                "PGWARDEN_EXPECT_ROLE");
        Path data = sources.resolve(problems, null, InputParsers::path, "--data-dir", dataDir, "PGDATA");
        Optional<Setting> pwSetting = sources.find("--password-file", passwordFile, "PGWARDEN_PASSWORD_FILE");
        Duration connectTimeout = sources.resolve(problems, null, InputParsers::positiveDuration, "--timeout", timeout);
        Duration expiryWarning = sources.resolve(problems, HealthCheck.DEFAULT_TLS_EXPIRY_WARNING,
                InputParsers::positiveDuration, "--tls-expiry-warning", tlsExpiryWarning, "PGWARDEN_TLS_EXPIRY_WARNING");
        if (data != null && !Files.isDirectory(data)) {
            problems.add("--data-dir=" + data + ": no such directory");
        }
        if (pwSetting.isPresent() && !Files.isReadable(Path.of(pwSetting.get().value()))) {
            // no ": " right after the path: secret masking would hide the word after "...password: "
            problems.add(pwSetting.get().describe() + " (no such file, or not readable by this user)");
        }
        problems.throwIfAny();
        if (pwSetting.isPresent()) {
            spec = spec.withUser(spec.user(), PasswordFile.read(Path.of(pwSetting.get().value())));
        } else if (spec.password() == null && data != null && Files.isReadable(data.resolve(InstanceConfig.PASSWORD_FILE_NAME))) {
            spec = spec.withUser(spec.user(), PasswordFile.read(data.resolve(InstanceConfig.PASSWORD_FILE_NAME)));
        }
        if (connectTimeout != null) {
            spec = spec.withConnectTimeout(connectTimeout);
        }
        HealthCheck.Report report = new HealthCheck(spec, role, data, expiryWarning, io.pgwarden.core.Clock.SYSTEM).execute();
        out().println(report.line());
        return report.status().exitCode();
    }

    static HealthCheck.Role role(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "primary", "master" -> HealthCheck.Role.PRIMARY;
            case "replica", "standby" -> HealthCheck.Role.REPLICA;
            default -> throw new IllegalArgumentException("allowed values are primary (or master) and replica (or standby)");
        };
    }
}
