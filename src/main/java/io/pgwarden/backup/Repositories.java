package io.pgwarden.backup;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Opens a repository from its location: {@code s3://bucket/prefix} or a directory path. */
public final class Repositories {
    private Repositories() {
    }

    /**
     * @param location a directory or {@code s3://bucket[/prefix]}
     * @param source   where the location came from, for messages ({@code --repo}, {@code PGWARDEN_BACKUP_REPO})
     */
    public static BackupRepository open(String location, String source, Map<String, String> env) {
        String loc = location.trim();
        if (loc.startsWith("s3://")) {
            String rest = loc.substring(5);
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            String prefix = slash < 0 ? "" : rest.substring(slash + 1);
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new PgWardenException(ErrorCode.INVALID_INPUT, source + "=" + location + ": '" + bucket
                        + "' is not an S3 bucket name (3-63 lower-case letters, digits, '.' and '-')");
            }
            return S3Repository.open(bucket, prefix, env);
        }
        if (loc.contains("://")) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, source + "=" + location
                    + ": expected a directory path or s3://bucket/prefix");
        }
        try {
            return new DirectoryRepository(Path.of(loc));
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, source + "=" + location
                    + ": cannot create or open the repository directory (" + e.getMessage() + ")", e);
        }
    }
}
