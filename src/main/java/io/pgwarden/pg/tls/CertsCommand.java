package io.pgwarden.pg.tls;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.tls.CertsResult.Action;
import io.pgwarden.pg.tls.CertsResult.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code pgwarden certs}: creates or reuses a CA, then issues the server certificate and the client certificates
 * that are missing, unreadable, not matching their key, not signed by the CA, naming other hosts than asked, or
 * close to expiry ({@link #renewWithin}); the others are kept byte for byte. A renewed CA reissues everything.
 * Files: {@code ca.crt ca.key} in the CA directory, {@code server.crt server.key client-NAME.crt client-NAME.key} in
 * the output directory.
 */
public final class CertsCommand {
    public static final String CA_CERT = "ca.crt";
    public static final String CA_KEY = "ca.key";
    public static final String SERVER_CERT = "server.crt";
    public static final String SERVER_KEY = "server.key";
    /** Renewal starts this long before expiry: a monthly job (or a restart) has several chances to run in time. */
    public static final Duration RENEW_WITHIN = Duration.ofDays(30);

    private final CertificateIssuer issuer;
    private final Clock clock;

    public CertsCommand(CertificateIssuer issuer, Clock clock) {
        this.issuer = issuer;
        this.clock = clock;
    }

    /**
     * How long before its end a certificate of {@code lifetime} is renewed: {@link #RENEW_WITHIN}, or a third of
     * the lifetime for certificates shorter than 90 days (so a 7-day certificate is not renewed on every run).
     */
    public static Duration renewWithin(Duration lifetime) {
        Duration third = lifetime.dividedBy(3);
        return third.compareTo(RENEW_WITHIN) < 0 ? third : RENEW_WITHIN;
    }

    /**
     * @throws PgWardenException INVALID_INPUT when the CA directory has a certificate without its key (or a key that
     *         does not match); ENVIRONMENT when a file cannot be written
     */
    public CertsResult execute(CertsRequest request) {
        Instant now = clock.now();
        List<Entry> entries = new ArrayList<>();
        try {
            Files.createDirectories(request.outDir());
            Files.createDirectories(request.caDir());
            CertificateIssuer.Issued ca = loadCa(request, now, entries);
            boolean caNew = entries.get(0).action() != Action.KEPT;
            Duration days = Duration.ofDays(request.days());
            Path serverCert = request.outDir().resolve(SERVER_CERT);
            Path serverKey = request.outDir().resolve(SERVER_KEY);
            Optional<CertificateIssuer.Issued> existing = read(serverCert, serverKey);
            List<String> hosts = request.hosts() != null ? request.hosts()
                    : existing.map(e -> names(e.certificate())).filter(n -> !n.isEmpty()).orElse(CertsRequest.DEFAULT_HOSTS);
            String why = reasonToIssue(existing, ca, caNew, now, days);
            if (why == null && existing.isPresent() && !Set.copyOf(names(existing.get().certificate())).equals(Set.copyOf(normalised(hosts)))) {
                why = "its names " + names(existing.get().certificate()) + " differ from --hosts " + hosts;
            }
            entries.add(issueOrKeep("server", serverCert, serverKey, existing, why,
                    () -> issuer.server(ca, hosts, now, days)));
            for (String user : new java.util.LinkedHashSet<>(request.clients())) {
                Path cert = request.outDir().resolve("client-" + user + ".crt");
                Path key = request.outDir().resolve("client-" + user + ".key");
                Optional<CertificateIssuer.Issued> old = read(cert, key);
                String reason = reasonToIssue(old, ca, caNew, now, days);
                if (reason == null && !commonName(old.get().certificate()).equals(user)) {
                    reason = "its common name is not " + user;
                }
                entries.add(issueOrKeep("client " + user, cert, key, old, reason, () -> issuer.client(ca, user, now, days)));
            }
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot write the certificates in " + request.outDir() + ": "
                    + e.getClass().getSimpleName() + " " + e.getMessage() + ". Check that the directory is writable.", e);
        }
        return new CertsResult(entries);
    }

    private CertificateIssuer.Issued loadCa(CertsRequest request, Instant now, List<Entry> entries) throws IOException {
        Path cert = request.caDir().resolve(CA_CERT);
        Path key = request.caDir().resolve(CA_KEY);
        Duration lifetime = Duration.ofDays(CertsRequest.CA_DAYS);
        boolean certThere = Files.exists(cert);
        boolean keyThere = Files.exists(key);
        if (!certThere && !keyThere) {
            CertificateIssuer.Issued ca = issuer.ca("pgwarden CA", now, lifetime);
            write(cert, key, ca);
            entries.add(new Entry("ca", cert, key, Action.CREATED, "there was none", notAfter(ca)));
            return ca;
        }
        if (!certThere || !keyThere) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "--ca-dir=" + request.caDir() + ": " + (certThere
                    ? CA_KEY + " is missing next to " + CA_CERT + ", so no certificate can be signed"
                    : CA_CERT + " is missing next to " + CA_KEY) + ". Give the directory that holds both, or an empty one"
                    + " to create a new CA (clients must then trust the new " + CA_CERT + ").");
        }
        CertificateIssuer.Issued ca;
        try {
            ca = new CertificateIssuer.Issued(Pem.readCertificates(cert).get(0), Pem.readPrivateKey(key));
        } catch (Pem.PemException e) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "--ca-dir=" + request.caDir() + ": " + CA_CERT + " or "
                    + CA_KEY + ": " + e.getMessage() + ".", null);
        }
        if (!TlsFiles.keyMatches(ca.key(), ca.certificate())) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "--ca-dir=" + request.caDir() + ": " + CA_KEY
                    + " does not match " + CA_CERT + " (a key of another CA?). Restore the pair, or use an empty directory.", null);
        }
        Duration caLife = Duration.between(ca.certificate().getNotBefore().toInstant(), notAfter(ca));
        if (notAfter(ca).isBefore(now.plus(renewWithin(caLife)))) {
            String why = notAfter(ca).isBefore(now) ? "it expired" : "it expires within " + days(renewWithin(caLife));
            CertificateIssuer.Issued renewed = issuer.ca("pgwarden CA", now, lifetime);
            write(cert, key, renewed);
            entries.add(new Entry("ca", cert, key, Action.RENEWED, why + "; every certificate is reissued and clients must"
                    + " trust the new " + CA_CERT, notAfter(renewed)));
            return renewed;
        }
        entries.add(new Entry("ca", cert, key, Action.KEPT, "valid, expires " + notAfter(ca), notAfter(ca)));
        return ca;
    }

    /** Null when the existing pair is good for this CA and not close to expiry; else the reason to issue a new one. */
    private static String reasonToIssue(Optional<CertificateIssuer.Issued> existing, CertificateIssuer.Issued ca, boolean caNew,
            Instant now, Duration days) {
        if (existing.isEmpty()) {
            return "there was none (or it was unreadable)";
        }
        X509Certificate c = existing.get().certificate();
        if (!TlsFiles.keyMatches(existing.get().key(), c)) {
            return "its key does not match it";
        }
        if (caNew || !TlsFiles.signedBy(c, ca.certificate())) {
            return "it is not signed by the current CA";
        }
        Instant end = c.getNotAfter().toInstant();
        Duration lifetime = Duration.between(c.getNotBefore().toInstant(), end);
        Duration within = renewWithin(lifetime.compareTo(days) < 0 ? lifetime : days);
        if (end.isBefore(now)) {
            return "it expired";
        }
        if (!end.isAfter(now.plus(within))) {
            return "it expires within " + days(within);
        }
        return null;
    }

    private Entry issueOrKeep(String name, Path cert, Path key, Optional<CertificateIssuer.Issued> existing, String why,
            java.util.function.Supplier<CertificateIssuer.Issued> issue) throws IOException {
        if (why == null) {
            return new Entry(name, cert, key, Action.KEPT, "valid, expires " + notAfter(existing.get()), notAfter(existing.get()));
        }
        boolean fresh = !Files.exists(cert) && !Files.exists(key);
        CertificateIssuer.Issued issued = issue.get();
        write(cert, key, issued);
        return new Entry(name, cert, key, fresh ? Action.CREATED : Action.RENEWED, fresh ? "there was none" : why,
                notAfter(issued));
    }

    private static void write(Path cert, Path key, CertificateIssuer.Issued issued) throws IOException {
        // the key first: a crash in between leaves a new key with the old certificate, which the next run reissues
        KeyFiles.write(key, Pem.encode(issued.key()), KeyFiles.KEY);
        KeyFiles.write(cert, Pem.encode(List.of(issued.certificate())), KeyFiles.CERTIFICATE);
    }

    private static Optional<CertificateIssuer.Issued> read(Path cert, Path key) {
        if (!Files.isRegularFile(cert) || !Files.isRegularFile(key)) {
            return Optional.empty();
        }
        try {
            PrivateKey k = Pem.readPrivateKey(key);
            return Optional.of(new CertificateIssuer.Issued(Pem.readCertificates(cert).get(0), k));
        } catch (IOException | Pem.PemException e) {
            return Optional.empty();
        }
    }

    /** The DNS names and IP addresses of a certificate's subject alternative names. */
    public static List<String> names(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            if (c.getSubjectAlternativeNames() != null) {
                for (List<?> san : c.getSubjectAlternativeNames()) {
                    Object type = san.get(0);
                    if (Integer.valueOf(2).equals(type) || Integer.valueOf(7).equals(type)) {
                        out.add(normalise(san.get(1).toString()));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return List.of();
        }
        return out;
    }

    /** IPv6 literals compare by address ("::1" and "0:0:0:0:0:0:0:1" are one name). */
    private static String normalise(String host) {
        if (host.contains(":") && CertificateIssuer.isIpAddress(host)) {
            try {
                return java.net.InetAddress.getByName(host).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                return host;
            }
        }
        return host;
    }

    /** Hosts as {@link #names} reports them, for comparison. */
    public static List<String> normalised(List<String> hosts) {
        return hosts.stream().map(CertsCommand::normalise).toList();
    }

    static String commonName(X509Certificate c) {
        String dn = c.getSubjectX500Principal().getName();
        for (String part : dn.split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return "";
    }

    private static Instant notAfter(CertificateIssuer.Issued i) {
        return i.certificate().getNotAfter().toInstant();
    }

    private static String days(Duration d) {
        long days = d.toDays();
        return days >= 1 ? days + (days == 1 ? " day" : " days") : d.toHours() + " hours";
    }
}
