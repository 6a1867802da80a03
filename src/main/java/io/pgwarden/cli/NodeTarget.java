package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.instance.InstanceConfig;
import io.pgwarden.instance.PasswordFile;
import io.pgwarden.instance.PostmasterPid;
import io.pgwarden.pg.ConnectionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Which node {@code promote} and {@code status} act on: {@code --url} (a superuser URL, password from the URL,
 * PGPASSWORD or --password-file), else the local node of {@code --data-dir}, reached on loopback at the port in
 * its {@code postmaster.pid} with the superuser password pgwarden keeps in the directory.
 */
public final class NodeTarget {
    @Option(names = "--url", paramLabel = "URL",
            description = "postgresql://user@host:port/db of the node (a superuser). Password: in the URL, PGPASSWORD or"
                    + " --password-file. Env: PGWARDEN_URL. Default: the local node of --data-dir.")
    String url;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The local node's data directory (used without --url). Env: PGDATA. Default: ./pgwarden-data.")
    String dataDir;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File with the superuser password. Env: PGWARDEN_PASSWORD_FILE. Default: <data-dir>/pgwarden.password.")
    String passwordFile;

    /** The superuser connection to the node; throws INVALID_INPUT or FAILED with what to do. */
    ConnectionSpec resolve(ConfigSources sources) {
        Problems problems = new Problems();
        Path data = sources.resolve(problems, Path.of(UpCommand.DEFAULT_DATA_DIR), InputParsers::path, "--data-dir", dataDir,
                "PGDATA").toAbsolutePath().normalize();
        Path pwFile = sources.resolve(problems, null, InputParsers::readableFile, "--password-file", passwordFile,
                "PGWARDEN_PASSWORD_FILE");
        var u = sources.find("--url", url, "PGWARDEN_URL");
        ConnectionSpec base = ConnectionSpec.fromEnv(sources.environment()).withConnectTimeout(Duration.ofSeconds(10))
                .withApplicationName("pgwarden");
        problems.throwIfAny();
        if (u.isPresent()) {
            ConnectionSpec spec;
            try {
                spec = ConnectionSpec.parseUrl(u.get().value(), base);
            } catch (IllegalArgumentException e) {
                problems.add(u.get(), e.getMessage());
                problems.throwIfAny();
                return null;
            }
            return pwFile != null ? spec.withUser(spec.user(), PasswordFile.read(pwFile)) : spec;
        }
        Optional<PostmasterPid> pid = PostmasterPid.read(data);
        if (pid.isEmpty() || pid.get().port() == 0) {
            throw new PgWardenException(ErrorCode.FAILED, "No PostgreSQL is running on " + data + " (no postmaster.pid)."
                    + " Start it with 'pgwarden up --data-dir " + data + "', or name another node with --url.");
        }
        Path file = pwFile != null ? pwFile : data.resolve(InstanceConfig.PASSWORD_FILE_NAME);
        String password = Files.isReadable(file) ? PasswordFile.read(file) : base.password();
        return base.withHostPort(PostmasterPid.localHost(data), pid.get().port()).withUser(InstanceConfig.DEFAULT_SUPERUSER, password)
                .withDatabase("postgres");
    }
}
