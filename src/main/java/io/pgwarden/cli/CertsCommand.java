package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.core.Clock;
import io.pgwarden.pg.tls.CertificateIssuer;
import io.pgwarden.pg.tls.CertsRequest;
import io.pgwarden.pg.tls.CertsResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgwarden certs}: a CA, a server certificate and client certificates for TLS, created or renewed. */
@Command(name = "certs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Creates (or reuses) a CA and issues a server certificate for --hosts and, with --client, client"
                        + " certificates whose common name is the PostgreSQL user. Keys are ECDSA P-256, written"
                        + " with mode 0600 and never printed.",
                "",
                "Files: <ca-dir>/ca.crt and ca.key (the CA; --ca-dir defaults to --out), <out>/server.crt and"
                        + " server.key (what 'up', 'run' and 'sidecar' read with --tls-dir <out>), <out>/client-NAME.crt"
                        + " and client-NAME.key.",
                "Running it again renews only what needs it and keeps the rest byte for byte: a certificate that is"
                        + " missing, unreadable, not matching its key, not signed by the CA, naming other hosts than"
                        + " --hosts, or expiring within 30 days (a third of its validity when that is shorter)."
                        + " A renewed CA (ten years) reissues every certificate. Each line printed says what happened"
                        + " and why, so a monthly job can run it unconditionally.",
                "A running 'up' or 'run' notices a renewed server certificate and reloads PostgreSQL without a restart.",
                "",
                "Examples:",
                "  pgwarden certs --out ./tls",
                "  pgwarden certs --out ./tls --hosts db.example.com,10.0.0.5 --days 90",
                "  pgwarden certs --out ./tls --ca-dir ./ca --client app --client replicator",
                "  pgwarden up --tls-dir ./tls --require-tls",
                "  psql 'host=localhost sslmode=verify-full sslrootcert=tls/ca.crt'",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the certificates are in place (created, renewed or kept)",
                "2:invalid flag, or a CA directory with a certificate but no key (or a key that does not match)",
                "8:a file cannot be written"})
public final class CertsCommand extends AbstractCommand {
    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Directory for server.crt, server.key and the client files; created when missing.")
    String out;

    @Option(names = "--hosts", paramLabel = "NAMES",
            description = "Comma-separated host names and IP addresses the server certificate is valid for"
                    + " (what sslmode=verify-full checks). Default: the existing certificate's names, else"
                    + " localhost,127.0.0.1,::1.")
    String hosts;

    @Option(names = "--days", paramLabel = "N",
            description = "Validity of the server and client certificates, 1-3650 days. Default: 365.")
    String days;

    @Option(names = "--ca-dir", paramLabel = "DIR",
            description = "Directory of ca.crt and ca.key, reused when present (keep it off the servers). Default: --out.")
    String caDir;

    @Option(names = "--client", paramLabel = "NAME",
            description = "Also issue client-NAME.crt/.key with common name NAME (a PostgreSQL user); repeatable.")
    List<String> clients = new ArrayList<>();

    @Override
    protected int execute() {
        ConfigSources sources = ConfigSources.load(null, env());
        Problems problems = new Problems();
        Path outDir = sources.resolve(problems, null, InputParsers::path, "--out", out);
        Path ca = sources.resolve(problems, null, InputParsers::path, "--ca-dir", caDir);
        List<String> hostList = sources.resolve(problems, null, CertsCommand::hosts, "--hosts", hosts);
        int validity = sources.resolve(problems, CertsRequest.DEFAULT_DAYS, CertsCommand::days, "--days", days);
        for (String c : clients) {
            if (!c.matches("[A-Za-z0-9_][A-Za-z0-9_.@-]{0,62}")) {
                problems.add("--client=" + c + ": expected a user name of letters, digits and _ . @ - (at most 63"
                        + " characters), as it becomes the file name client-NAME.crt");
            }
        }
        problems.throwIfAny();
        CertsResult result = new io.pgwarden.pg.tls.CertsCommand(new CertificateIssuer(), Clock.SYSTEM)
                .execute(new CertsRequest(outDir.toAbsolutePath().normalize(),
                        ca == null ? null : ca.toAbsolutePath().normalize(), hostList, validity, clients));
        for (CertsResult.Entry e : result.entries()) {
            out().println(e.action().name().toLowerCase(java.util.Locale.ROOT) + " " + e.name() + ": " + e.certificate()
                    + " (" + e.reason() + "; valid until " + e.notAfter() + ")");
        }
        return 0;
    }

    static List<String> hosts(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String h = part.trim();
            if (h.isEmpty()) {
                continue;
            }
            if (!CertificateIssuer.isIpAddress(h) && !h.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9-]{1,63})*")) {
                throw new IllegalArgumentException("'" + h + "' is neither a host name (letters, digits, '-' and '.',"
                        + " e.g. db.example.com) nor an IP address");
            }
            out.add(h);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("at least one host name or IP address is needed, e.g. localhost,127.0.0.1");
        }
        return out;
    }

    static int days(String text) {
        int n;
        try {
            n = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > CertsRequest.CA_DAYS) {
            throw new IllegalArgumentException("expected a whole number of days from 1 to " + CertsRequest.CA_DAYS);
        }
        return n;
    }
}
