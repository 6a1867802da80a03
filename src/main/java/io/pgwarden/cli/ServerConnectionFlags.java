package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.config.Setting;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.instance.PostmasterPid;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --url --host --port --user --database} ({@code --dbname} is an alias): where {@code wait} and {@code healthcheck} connect.
 * Precedence per part: flag, then the URL ({@code --url} or {@code DATABASE_URL}), then the libpq
 * variables {@code PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD}, then (healthcheck) the running server of the data
 * directory, then 127.0.0.1:5432, user postgres.
 */
public final class ServerConnectionFlags {
    @Option(names = "--url", paramLabel = "URL",
            description = "postgresql://user@host:port/db to check. Env: DATABASE_URL. A password in it is never printed.")
    String url;

    @Option(names = "--host", paramLabel = "HOST", description = "Server host. Env: PGHOST. Default: 127.0.0.1.")
    String host;

    @Option(names = "--port", paramLabel = "N", description = "Server port. Env: PGPORT. Default: the port in <data-dir>/postmaster.pid when --data-dir is given"
                    + " (healthcheck), else 5432.")
    String port;

    @Option(names = "--user", paramLabel = "NAME", description = "User. Env: PGUSER. Default: postgres.")
    String user;

    /** {@code --database} as in run and endpoints; {@code --dbname} (libpq's word) kept as an alias. */
    @Option(names = {"--database", "--dbname"}, paramLabel = "NAME",
            description = "Database (alias: --dbname). Env: PGDATABASE. Default: the user's name.")
    String dbname;

    /** The spec, or null after recording problems. */
    ConnectionSpec resolve(ConfigSources sources, Problems problems) {
        return resolve(sources, problems, null);
    }

    /**
     * As {@link #resolve(ConfigSources, Problems)}; when {@code dataDir} is given and no URL, port flag or PGPORT
     * says where the server is, the port (and listen address) come from the directory's postmaster.pid, as
     * {@code status --data-dir} finds its server.
     */
    ConnectionSpec resolve(ConfigSources sources, Problems problems, Path dataDir) {
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
        Optional<PostmasterPid> local = Optional.empty();
        if (dataDir != null && u.isEmpty() && sources.find("--port", port, "PGPORT").isEmpty()) {
            local = PostmasterPid.read(dataDir).filter(pid -> pid.port() > 0);
        }
        int p = sources.resolve(problems, local.map(PostmasterPid::port).orElse(spec.port()), InputParsers::port, "--port",
                port);
        String h = host != null ? host.trim() : spec.host();
        if (local.isPresent() && host == null && isBlank(sources.env("PGHOST"))) {
            h = PostmasterPid.localHost(dataDir);
        }
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

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
