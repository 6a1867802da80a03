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

    @Option(names = "--user", paramLabel = "NAME", description = "User. Env: PGUSER. Default: postgres (POSTGRES_USER, when set, for the server of --data-dir).")
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
        // per part: the flag, else the URL or the libpq variable (both already in spec), else the configuration file
        Optional<Setting> portSetting = part(sources, "--port", port, "PGPORT", u.isPresent());
        Optional<PostmasterPid> local = Optional.empty();
        if (dataDir != null && u.isEmpty() && portSetting.isEmpty() && isBlank(sources.env("PGPORT"))) {
            local = PostmasterPid.read(dataDir).filter(pid -> pid.port() > 0);
        }
        int p = local.map(PostmasterPid::port).orElse(spec.port());
        if (portSetting.isPresent()) {
            try {
                p = InputParsers.port(portSetting.get().value().trim());
            } catch (IllegalArgumentException e) {
                problems.add(portSetting.get(), e.getMessage());
            }
        }
        Optional<Setting> hostSetting = part(sources, "--host", host, "PGHOST", u.isPresent());
        String h = hostSetting.map(s -> s.value().trim())
                .orElse(local.isPresent() && isBlank(sources.env("PGHOST")) ? PostmasterPid.localHost(dataDir) : spec.host());
        if (h.isEmpty()) {
            problems.add(hostSetting.map(Setting::origin).orElse("--host") + "=: expected a host name or IP address");
        }
        spec = spec.withHostPort(h, p);
        Optional<Setting> userSetting = part(sources, "--user", user, "PGUSER", u.isPresent());
        if (userSetting.isPresent()) {
            spec = spec.withUser(userSetting.get().value().trim(), spec.password());
        } else if (dataDir != null && u.isEmpty() && isBlank(sources.env("PGUSER")) && !isBlank(sources.env("POSTGRES_USER"))) {
            // the data directory's own server: its superuser is the one run/up created (the image's POSTGRES_USER)
            spec = spec.withUser(sources.env("POSTGRES_USER").trim(), spec.password());
        }
        Optional<Setting> dbSetting = part(sources, "--database", dbname, "PGDATABASE", u.isPresent());
        if (dbSetting.isPresent()) {
            spec = spec.withDatabase(dbSetting.get().value().trim());
        }
        return spec;
    }

    /**
     * The flag's value, or the configuration file's when neither a URL nor the libpq variable {@code env} gives the
     * part (those are in the spec from {@link ConnectionSpec#fromEnv} already); empty when the spec's value stands.
     */
    private static Optional<Setting> part(ConfigSources sources, String flag, String flagValue, String env, boolean url) {
        if (flagValue != null) {
            return Optional.of(new Setting(flagValue, flag));
        }
        if (url || !isBlank(sources.env(env))) {
            return Optional.empty();
        }
        return sources.find(flag, null);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
