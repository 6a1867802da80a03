package io.pgwarden.instance;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Initialises a new data directory: data checksums, locale C.UTF-8, UTF8, scram-sha-256 for local and
 * host connections, and a freshly generated superuser password (or the {@link InstanceConfig#initialPassword()
 * initial password} the user chose). The password goes to initdb through a private temporary {@code --pwfile} and is
 * then kept in {@link InstanceConfig#passwordFile()}; it is never logged.
 * Run only after {@link Preflight} has accepted the configuration.
 */
public final class InitDb {
    private static final Logger log = LoggerFactory.getLogger(InitDb.class);
    /** initdb takes a few seconds (it syncs every file); a loaded CI machine can take a minute. */
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(5);

    private final ProcessRunner runner;
    private final ServerFiles files;
    private final PgBinaries binaries;

    public InitDb(ProcessRunner runner, ServerFiles files, PgBinaries binaries) {
        this.runner = runner;
        this.files = files;
        this.binaries = binaries;
    }

    /** What initdb did. */
    public record Result(Path dataDir, Path passwordFile, String superuser) {
    }

    public Result execute(InstanceConfig config) {
        Path dataDir = config.dataDir();
        InitialPassword chosen = config.initialPassword();
        String password = chosen == null ? PasswordFile.generate() : chosen.value();
        Path secretDir = null;
        Path createdForData = topmostMissing(dataDir);
        Path createdForPassword = topmostMissing(config.passwordFile().getParent());
        boolean done = false;
        try {
            files.createPrivateDirectory(dataDir);
            secretDir = Files.createTempDirectory("pgwarden-init-", PosixFilePermissions.asFileAttribute(ServerFiles.OWNER_ONLY_DIR));
            files.chown(secretDir);
            Path pwfile = secretDir.resolve("pwfile");
            PasswordFile.write(files, pwfile, password);
            List<String> command = new ArrayList<>(List.of(binaries.program("initdb").toString(),
                    "--pgdata=" + dataDir, "--username=" + config.superuser(), "--pwfile=" + pwfile,
                    "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--encoding=UTF8",
                    "--locale=C.UTF-8", "--data-checksums"));
            log.info("initialising {} with PostgreSQL {} (checksums, C.UTF-8, UTF8, scram-sha-256)", dataDir,
                    binaries.fullVersion());
            ProcessResult r = runner.run(files.privileges().asServerUser(command), dataDir, Map.of("LC_ALL", "C.UTF-8"),
                    INITDB_TIMEOUT);
            if (!r.ok()) {
                throw new PgWardenException(ErrorCode.POSTGRES_FAILED, "initdb of " + dataDir + " failed (exit "
                        + r.exitCode() + "):" + System.lineSeparator() + r.tail(10) + System.lineSeparator()
                        + "Nothing was kept; fix the cause above and run again.");
            }
            Files.createDirectories(config.passwordFile().getParent());
            PasswordFile.write(files, config.passwordFile(), password);
            log.info("superuser '{}' password ({}) written to {} (mode 0600)", config.superuser(),
                    chosen == null ? "generated" : "from " + chosen.origin(), config.passwordFile());
            done = true;
            return new Result(dataDir, config.passwordFile(), config.superuser());
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot initialise " + dataDir + ": " + e
                    + ". Nothing was kept; check permissions and free space.", e);
        } finally {
            deleteQuietly(secretDir, true);
            if (!done) {
                // a failed first init keeps nothing: a data directory without its password file would be reused
                // later with scram-only pg_hba.conf and lock everyone out. An empty directory we were given stays.
                deleteQuietly(createdForData == null ? dataDir : createdForData, createdForData != null);
                deleteQuietly(createdForPassword, true);
            }
        }
    }

    /** The highest ancestor-or-self of {@code dir} that does not exist yet (what createDirectories would add), or null. */
    private static Path topmostMissing(Path dir) {
        Path top = null;
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            top = p;
        }
        return top;
    }

    /** Removes everything below {@code dir}, and {@code dir} itself when {@code self}. */
    private static void deleteQuietly(Path dir, boolean self) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (self || !p.equals(dir)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            log.warn("could not remove {}: {}", dir, e.getMessage());
        }
    }
}
