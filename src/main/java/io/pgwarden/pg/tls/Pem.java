package io.pgwarden.pg.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM in and out, as PostgreSQL, libpq and OpenSSL read it: certificates as {@code BEGIN CERTIFICATE}, keys as
 * unencrypted PKCS#8 {@code BEGIN PRIVATE KEY}. Reading also accepts the traditional {@code BEGIN RSA/EC PRIVATE KEY}.
 * Problems are reported as {@link PemException} with a fixed text: never a byte of the file in a message.
 */
public final class Pem {
    private Pem() {
    }

    /** A PEM file that is not what was expected; the message never quotes its content. */
    public static final class PemException extends Exception {
        private static final long serialVersionUID = 1L;

        PemException(String message) {
            super(message);
        }
    }

    /** Every certificate in {@code file}, in order (a chain: the leaf first). */
    public static List<X509Certificate> readCertificates(Path file) throws IOException, PemException {
        return certificates(Files.readString(file));
    }

    static List<X509Certificate> certificates(String text) throws PemException {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object o;
            while ((o = readQuietly(parser)) != null) {
                if (o instanceof X509CertificateHolder holder) {
                    out.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new PemException("not a readable PEM certificate");
        }
        if (out.isEmpty()) {
            throw new PemException("no PEM certificate in it (expected a -----BEGIN CERTIFICATE----- block)");
        }
        return out;
    }

    /** The private key in {@code file}. */
    public static PrivateKey readPrivateKey(Path file) throws IOException, PemException {
        return privateKey(Files.readString(file));
    }

    static PrivateKey privateKey(String text) throws PemException {
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object o;
            while ((o = readQuietly(parser)) != null) {
                JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new PemException("the key is protected by a passphrase, which PostgreSQL cannot be given"
                            + " unattended; give an unencrypted key (mode 0600)");
                }
            }
        } catch (IOException e) {
            throw new PemException("not a readable PEM private key");
        }
        throw new PemException("no PEM private key in it (expected a -----BEGIN PRIVATE KEY----- block)");
    }

    private static Object readQuietly(PEMParser parser) throws PemException {
        try {
            return parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new PemException("malformed PEM data");
        }
    }

    /** {@code BEGIN CERTIFICATE} blocks. */
    public static String encode(List<X509Certificate> certificates) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (X509Certificate c : certificates) {
                w.writeObject(c);
            }
        } catch (IOException e) {
            throw new IllegalStateException("PEM encoding failed", e);
        }
        return out.toString();
    }

    /** An unencrypted PKCS#8 {@code BEGIN PRIVATE KEY} block. */
    public static String encode(PrivateKey key) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(new JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new IllegalStateException("PEM encoding of a key failed", e);
        }
        return out.toString();
    }
}
