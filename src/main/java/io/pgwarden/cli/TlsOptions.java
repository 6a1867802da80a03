package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.config.Setting;
import io.pgwarden.instance.ServerTls;
import io.pgwarden.pg.tls.TlsFiles;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --tls-cert --tls-key --tls-ca} or {@code --tls-dir}, {@code --require-tls} and {@code --sslmode}: TLS for the
 * server of {@code up} and {@code run}, and how pgwarden's own connections use it. The files are checked before
 * anything starts; every problem (missing, unreadable, not PEM, key not matching, expired, not signed by the CA) is
 * listed with the other invalid settings.
 */
public final class TlsOptions {
    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Server certificate (PEM, chain after it); turns on ssl with TLS 1.2 at least. Env: PGWARDEN_TLS_CERT.")
    String cert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "Its private key (PEM, unencrypted); copied into the data directory with mode 0600."
                    + " Env: PGWARDEN_TLS_KEY.")
    String key;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "CA certificate: ssl_ca_file, what replicas verify their upstream with (verify-full) and"
                    + " pgwarden's own connections trust. Env: PGWARDEN_TLS_CA.")
    String ca;

    @Option(names = "--tls-dir", paramLabel = "DIR",
            description = "Instead of the three above: the directory 'pgwarden certs --out' wrote (server.crt,"
                    + " server.key, ca.crt when present). Env: PGWARDEN_TLS_DIR.")
    String dir;

    @Option(names = "--require-tls", negatable = false,
            description = "pg_hba.conf admits only TLS (hostssl) from the --allow networks and rejects every other"
                    + " connection without TLS; loopback still may connect without. Env: PGWARDEN_REQUIRE_TLS=true.")
    boolean require;

    @Option(names = "--cert-users", paramLabel = "ROLES",
            description = "Roles (comma-separated) that log in with a client certificate signed by the CA, whose common"
                    + " name is the role ('pgwarden certs --client ROLE'), instead of a password; e.g. pgbouncer_auth."
                    + " Needs a CA. Env: PGWARDEN_CERT_USERS.")
    String certUsers;

    @Option(names = "--sslmode", paramLabel = "MODE",
            description = "SSL mode of pgwarden's own connections: disable, allow, prefer, require, verify-ca,"
                    + " verify-full. Env: PGSSLMODE. Default: prefer. The CA is PGSSLROOTCERT, else --tls-ca.")
    String sslmode;

    /** The server's TLS (null without files), and the SSL mode and CA file of pgwarden's own connections. */
    record Resolved(ServerTls server, String sslmode, String rootcert) {
    }

    Resolved resolve(ConfigSources sources, Problems problems, Instant now) {
        Optional<Setting> certSetting = sources.find("--tls-cert", cert, "PGWARDEN_TLS_CERT");
        Optional<Setting> keySetting = sources.find("--tls-key", key, "PGWARDEN_TLS_KEY");
        Optional<Setting> caSetting = sources.find("--tls-ca", ca, "PGWARDEN_TLS_CA");
        Optional<Setting> dirSetting = sources.find("--tls-dir", dir, "PGWARDEN_TLS_DIR");
        boolean required = require || sources.resolve(problems, false, InputParsers::bool, "--require-tls", null,
                "PGWARDEN_REQUIRE_TLS");
        // PGSSLMODE is already in the libpq defaults (and checked there)
        String mode = sources.resolve(problems, null, TlsOptions::mode, "--sslmode", sslmode);
        TlsFiles files = null;
        if (dirSetting.isPresent()) {
            if (certSetting.isPresent() || keySetting.isPresent()) {
                problems.add(dirSetting.get().origin() + " and " + certSetting.or(() -> keySetting).get().origin()
                        + ": give either the directory or the files, not both");
            }
            Path d = path(problems, dirSetting.get());
            if (d != null && !java.nio.file.Files.isDirectory(d)) {
                problems.add(dirSetting.get(), "not a directory; create it with 'pgwarden certs --out " + d + "'");
            } else if (d != null) {
                TlsFiles inDir = TlsFiles.inDirectory(d, dirSetting.get().origin());
                Path caFile = caSetting.map(s -> path(problems, s)).orElse(inDir.ca());
                files = new TlsFiles(inDir.certificate(), inDir.key(), caFile, inDir.certificateOrigin(), inDir.keyOrigin(),
                        caSetting.map(Setting::origin).orElse(inDir.caOrigin()));
            }
        } else if (certSetting.isPresent() || keySetting.isPresent()) {
            if (certSetting.isEmpty()) {
                problems.add(keySetting.get(), "--tls-cert (or PGWARDEN_TLS_CERT) is needed with the key");
            } else if (keySetting.isEmpty()) {
                problems.add(certSetting.get(), "--tls-key (or PGWARDEN_TLS_KEY) is needed with the certificate");
            } else {
                Path c = path(problems, certSetting.get());
                Path k = path(problems, keySetting.get());
                Path a = caSetting.map(s -> path(problems, s)).orElse(null);
                if (c != null && k != null) {
                    files = new TlsFiles(c, k, a, certSetting.get().origin(), keySetting.get().origin(),
                            caSetting.map(Setting::origin).orElse(null));
                }
            }
        }
        java.util.List<String> certRoles = sources.resolve(problems, java.util.List.of(), TlsOptions::roles, "--cert-users",
                certUsers, "PGWARDEN_CERT_USERS");
        if (!certRoles.isEmpty() && (files == null || files.ca() == null) && problems.isEmpty()) {
            problems.add("--cert-users: certificate logins need the CA that signs the client certificates: --tls-ca, or"
                    + " a --tls-dir with ca.crt");
        }
        if (files != null) {
            files.problems(now).forEach(problems::add);
        } else if (required && problems.isEmpty()) {
            problems.add("--require-tls: needs the server's certificate: --tls-dir DIR, or --tls-cert and --tls-key");
        }
        Path clientCa = files != null ? files.ca() : caSetting.map(s -> path(problems, s)).orElse(null);
        String rootcert = sources.env("PGSSLROOTCERT") != null ? null : clientCa == null ? null : clientCa.toString();
        return new Resolved(files == null ? null : new ServerTls(files, required, certRoles), mode, rootcert);
    }

    private static Path path(Problems problems, Setting s) {
        try {
            return InputParsers.path(s.value()).toAbsolutePath().normalize();
        } catch (IllegalArgumentException e) {
            problems.add(s, e.getMessage());
            return null;
        }
    }

    static java.util.List<String> roles(String text) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String part : text.split(",")) {
            String r = part.trim();
            if (r.isEmpty()) {
                continue;
            }
            String problem = io.pgwarden.pg.SqlIdentifiers.problem(r);
            if (problem != null || r.contains("\"") || r.contains(" ")) {
                throw new IllegalArgumentException("'" + r + "' is not a role name (no spaces or quotes)");
            }
            out.add(r);
        }
        return out;
    }

    static String mode(String text) {
        if (!java.util.Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full").contains(text)) {
            throw new IllegalArgumentException("allowed values are disable, allow, prefer, require, verify-ca, verify-full");
        }
        return text;
    }
}
