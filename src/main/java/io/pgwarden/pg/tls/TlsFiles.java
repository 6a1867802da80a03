package io.pgwarden.pg.tls;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A server's TLS files: certificate (optionally followed by its chain), private key and, optionally, the CA that
 * signs client and peer certificates. Each file carries the setting it came from ({@code --tls-cert},
 * {@code PGWARDEN_TLS_KEY}, {@code --tls-dir}...) so that {@link #problems} names it.
 *
 * @param certificate       the server certificate (PEM)
 * @param key               its private key (PEM, unencrypted)
 * @param ca                the CA certificate(s), or null
 * @param certificateOrigin where {@code certificate} was set, e.g. {@code --tls-cert}
 * @param keyOrigin         where {@code key} was set
 * @param caOrigin          where {@code ca} was set
 */
public record TlsFiles(Path certificate, Path key, Path ca, String certificateOrigin, String keyOrigin, String caOrigin) {
    public TlsFiles {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        certificate = certificate.toAbsolutePath().normalize();
        key = key.toAbsolutePath().normalize();
        ca = ca == null ? null : ca.toAbsolutePath().normalize();
    }

    /** The files {@code pgwarden certs --out dir} writes: server.crt, server.key and ca.crt when it is there. */
    public static TlsFiles inDirectory(Path dir, String origin) {
        Path ca = dir.resolve(CertsCommand.CA_CERT);
        return new TlsFiles(dir.resolve(CertsCommand.SERVER_CERT), dir.resolve(CertsCommand.SERVER_KEY),
                Files.exists(ca) ? ca : null, origin, origin, origin);
    }

    /**
     * Every problem that would keep PostgreSQL from starting with these files or clients from trusting them: a file
     * missing or unreadable, not PEM of the right kind, a key that does not match the certificate, a certificate
     * expired or not yet valid at {@code now}, a certificate not signed by the CA. Empty when all is well. Messages
     * name the setting and the file, never their content.
     */
    public List<String> problems(Instant now) {
        List<String> out = new ArrayList<>();
        X509Certificate cert = null;
        String certName = describe(certificateOrigin, certificate);
        String keyName = describe(keyOrigin, key);
        try {
            if (readable(certificate, certName, out)) {
                cert = Pem.readCertificates(certificate).get(0);
                if (cert.getNotAfter().toInstant().isBefore(now)) {
                    out.add(certName + ": the certificate expired on " + cert.getNotAfter().toInstant() + " (subject "
                            + cert.getSubjectX500Principal().getName() + "); renew it, e.g. with 'pgwarden certs --out DIR'");
                } else if (cert.getNotBefore().toInstant().isAfter(now)) {
                    out.add(certName + ": the certificate is not valid before " + cert.getNotBefore().toInstant()
                            + "; check this machine's clock");
                }
            }
        } catch (IOException e) {
            out.add(certName + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        } catch (Pem.PemException e) {
            out.add(certName + ": " + e.getMessage());
        }
        PrivateKey privateKey = null;
        try {
            if (readable(key, keyName, out)) {
                privateKey = Pem.readPrivateKey(key);
            }
        } catch (IOException e) {
            out.add(keyName + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        } catch (Pem.PemException e) {
            out.add(keyName + ": " + e.getMessage());
        }
        if (cert != null && privateKey != null && !keyMatches(privateKey, cert)) {
            out.add(keyName + ": the key does not match the certificate " + certificate
                    + " (a key of another certificate?); give the key the certificate was issued for");
        }
        if (ca != null) {
            String caName = describe(caOrigin, ca);
            try {
                if (readable(ca, caName, out)) {
                    List<X509Certificate> cas = Pem.readCertificates(ca);
                    if (cert != null && cas.stream().noneMatch(c -> signedBy(certChainTop(), c))) {
                        out.add(caName + ": the certificate " + certificate + " is not signed by this CA, so clients"
                                + " verifying with it would refuse the server; give the CA that issued it");
                    }
                }
            } catch (IOException e) {
                out.add(caName + ": cannot be read (" + e.getClass().getSimpleName() + ")");
            } catch (Pem.PemException e) {
                out.add(caName + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** The last certificate of the server file's chain (the one a CA signs directly); the leaf when there is no chain. */
    private X509Certificate certChainTop() {
        try {
            List<X509Certificate> chain = Pem.readCertificates(certificate);
            return chain.get(chain.size() - 1);
        } catch (IOException | Pem.PemException e) {
            throw new IllegalStateException("read a moment ago", e);
        }
    }

    /** The server certificate (the first in its file). */
    public X509Certificate serverCertificate() throws IOException, Pem.PemException {
        return Pem.readCertificates(certificate).get(0);
    }

    private static boolean readable(Path file, String name, List<String> out) throws IOException {
        if (!Files.exists(file)) {
            out.add(name + ": the file does not exist");
            return false;
        }
        if (!Files.isRegularFile(file)) {
            out.add(name + ": not a regular file");
            return false;
        }
        if (!Files.isReadable(file)) {
            throw new AccessDeniedException(file.toString());
        }
        return true;
    }

    private static String describe(String origin, Path file) {
        return origin == null ? file.toString() : origin + "=" + file;
    }

    /** True when {@code key} is the private half of {@code cert}'s public key (checked by signing and verifying). */
    public static boolean keyMatches(PrivateKey key, X509Certificate cert) {
        PublicKey pub = cert.getPublicKey();
        if (!key.getAlgorithm().equals(pub.getAlgorithm())) {
            return false;
        }
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (alg == null) {
            return false;
        }
        try {
            byte[] probe = "pgwarden key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** True when {@code cert} carries a valid signature of {@code ca}'s key. */
    public static boolean signedBy(X509Certificate cert, X509Certificate ca) {
        try {
            cert.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
