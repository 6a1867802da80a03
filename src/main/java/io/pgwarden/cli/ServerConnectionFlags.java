package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.config.Setting;
import io.pgwarden.pg.ConnectionSpec;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --url --host --port --user --database} ({@code --dbname} is an alias): where {@code wait} and {@code healthcheck} connect.
 * Precedence per part: flag, then the URL ({@code --url} or {@code DATABASE_URL}), then the libpq
 * variables {@code PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD}, then 127.0.0.1:5432, user postgres.
 */
public final class ServerConnectionFlags {
    @Option(names = "--url", paramLabel = "URL",
            description = "postgresql://user@host:port/db to check. Env: DATABASE_URL. A password in it is never printed.")
    String url;

    @Option(names = "--host", paramLabel = "HOST", description = "Server host. Env: PGHOST. Default: 127.0.0.1.")
    String host;

    @Option(names = "--port", paramLabel = "N", description = "Server port. Env: PGPORT. Default: 5432.")
    String port;

    @Option(names = "--user", paramLabel = "NAME", description = "User. Env: PGUSER. Default: postgres.")
    String user;

    /** {@code --database} as in run and endpoints; {@code --dbname} (libpq's word) kept as an alias. */
    @Option(names = {"--database", "--dbname"}, paramLabel = "NAME",
            description = "Database (alias: --dbname). Env: PGDATABASE. Default: the user's name.")
    String dbname;

    /** The spec, or null after recording problems. */
    ConnectionSpec resolve(ConfigSources sources, Problems problems) {
        ConnectionSpec spec;
        try {
            spec = ConnectionSpec.fromEnv(sources.environment());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
        Optional<Setting> u = sources.find("--url", url, "DATABASE_URL");
        if (u.isPresent()) {
            try {
                spec = ConnectionSpec.parseUrl(u.get().value(), spec);
            } catch (IllegalArgumentException e) {
                problems.add(u.get().origin() + ": " + e.getMessage());
                return null;
            }
        }
        int p = sources.resolve(problems, spec.port(), InputParsers::port, "--port", port);
        String h = host != null ? host.trim() : spec.host();
        if (h.isEmpty()) {
            problems.add("--host=: expected a host name or IP address");
        }
        spec = spec.withHostPort(h, p);
        if (user != null) {
            spec = spec.withUser(user, spec.password());
        }
        if (dbname != null) {
            spec = spec.withDatabase(dbname);
        }
        return spec;
    }
}
