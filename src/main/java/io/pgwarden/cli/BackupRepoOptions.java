package io.pgwarden.cli;

import io.pgwarden.backup.BackupRepository;
import io.pgwarden.backup.Repositories;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.config.Setting;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --repo}: the backup repository every backup, wal and restore command works on. */
public final class BackupRepoOptions {
    @Option(names = "--repo", paramLabel = "DIR|s3://BUCKET/PREFIX",
            description = "Backup repository: a directory, or s3://bucket/prefix (AWS_REGION, AWS_ACCESS_KEY_ID,"
                    + " AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL for S3-compatible stores). Env: PGWARDEN_BACKUP_REPO.")
    String repo;

    /** The location as given (directories made absolute, for restore_command), or an INVALID_INPUT error. */
    String location(ConfigSources sources) {
        Setting s = sources.find("--repo", repo, "PGWARDEN_BACKUP_REPO").orElse(null);
        if (s == null || s.value().isBlank()) {
            Problems p = new Problems();
            p.add("--repo (or PGWARDEN_BACKUP_REPO) is required: a directory or s3://bucket/prefix");
            p.throwIfAny();
        }
        String v = s.value().trim();
        return v.startsWith("s3://") || v.contains("://") ? v : Path.of(v).toAbsolutePath().normalize().toString();
    }

    BackupRepository open(ConfigSources sources) {
        return Repositories.open(location(sources), "--repo", sources.environment());
    }
}
