package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.pg.BinariesRequest;
import io.pgwarden.pg.BinariesResolver;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgBinaries;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --url}, {@code --database}, {@code --pg-bin} of dump and load. */
public final class DumpOptions {
    @Option(names = "--url", paramLabel = "URL",
            description = "postgresql://user@host:port/db to dump from or load into. Password: in the URL or PGPASSWORD."
                    + " Env: DATABASE_URL. Default: the libpq PG* variables.")
    String url;

    @Option(names = "--database", paramLabel = "DB", description = "Database (instead of the URL's). Env: PGDATABASE.")
    String database;

    @Option(names = "--pg-bin", paramLabel = "DIR",
            description = "Directory with pg_dump and pg_restore. Env: PG_BINDIR. Default: the newest installed PostgreSQL.")
    String pgBin;

    ConnectionSpec connection(ConfigSources sources) {
        Problems problems = new Problems();
        ConnectionSpec base = ConnectionSpec.fromEnv(sources.environment()).withConnectTimeout(Duration.ofSeconds(10));
        ConnectionSpec spec = base;
        var u = sources.find("--url", url, "DATABASE_URL");
        if (u.isPresent()) {
            try {
                spec = ConnectionSpec.parseUrl(u.get().value(), base);
            } catch (IllegalArgumentException e) {
                problems.add(u.get(), e.getMessage());
            }
        }
        problems.throwIfAny();
        return database == null ? spec : spec.withDatabase(database);
    }

    PgBinaries binaries(ConfigSources sources) {
        Path dir = pgBin == null ? null : Path.of(pgBin);
        var resolver = BinariesResolver.defaults(sources.environment(), System.err);
        return resolver.findInstalled(new BinariesRequest(dir, "--pg-bin", null, null)).orElseThrow(() ->
                new io.pgwarden.core.PgWardenException(io.pgwarden.core.ErrorCode.ENVIRONMENT, "dump and load need"
                        + " pg_dump and pg_restore from a full PostgreSQL installation, and none was found (the embedded"
                        + " binaries are server-only). Install the client tools (Debian: apt-get install postgresql-client)"
                        + " or name a directory with --pg-bin or PG_BINDIR."));
    }

}
