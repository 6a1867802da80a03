package io.pgwarden.pg.tls;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes keys and X.509 certificates with BouncyCastle: a self-signed CA, a server certificate whose subject
 * alternative names are the given host names and IP addresses (what libpq's {@code verify-full} matches), and client
 * certificates whose common name is the PostgreSQL user (what {@code cert} authentication matches). Keys are ECDSA
 * P-256, which PostgreSQL, libpq, pgjdbc and PgBouncer all accept and which is quick to generate.
 */
public final class CertificateIssuer {
    /** Clocks of client and server machines drift; a certificate valid from an hour ago is not refused by either. */
    static final Duration BACKDATE = Duration.ofHours(1);
    private static final String SIGNATURE = "SHA256withECDSA";

    private final SecureRandom random = new SecureRandom();

    /** A certificate with its key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
    }

    public KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate EC P-256 keys", e);
        }
    }

    /** A self-signed CA valid from {@code now} for {@code validity}. */
    public Issued ca(String commonName, Instant now, Duration validity) {
        KeyPair pair = newKeyPair();
        X500Name name = name(commonName);
        try {
            X509v3CertificateBuilder b = builder(name, name, pair, now, now.plus(validity));
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new Issued(sign(b, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build the CA certificate", e);
        }
    }

    /** A server certificate for {@code hosts} (names and IP addresses), signed by {@code ca}; not after the CA. */
    public Issued server(Issued ca, List<String> hosts, Instant now, Duration validity) {
        List<GeneralName> names = new ArrayList<>();
        for (String h : hosts) {
            names.add(isIpAddress(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
        }
        return leaf(ca, hosts.get(0), now, validity, KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(names.toArray(GeneralName[]::new)));
    }

    /** A client certificate whose common name is the PostgreSQL user {@code user}. */
    public Issued client(Issued ca, String user, Instant now, Duration validity) {
        return leaf(ca, user, now, validity, KeyPurposeId.id_kp_clientAuth, null);
    }

    private Issued leaf(Issued ca, String commonName, Instant now, Duration validity, KeyPurposeId purpose, GeneralNames sans) {
        KeyPair pair = newKeyPair();
        Instant end = now.plus(validity);
        Instant caEnd = ca.certificate().getNotAfter().toInstant();
        try {
            X509v3CertificateBuilder b = builder(X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
                    name(commonName), pair, now, end.isAfter(caEnd) ? caEnd : end);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
            if (sans != null) {
                b.addExtension(Extension.subjectAlternativeName, false, sans);
            }
            return new Issued(sign(b, ca.key()), pair.getPrivate());
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build the certificate of " + commonName, e);
        }
    }

    private X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair, Instant now, Instant notAfter) {
        BigInteger serial = new BigInteger(127, random).add(BigInteger.ONE); // positive, at most 16 bytes (RFC 5280)
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject,
                pair.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    /** A literal IPv4 or IPv6 address (no name lookup happens). */
    public static boolean isIpAddress(String host) {
        if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return true;
        }
        if (!host.contains(":") || !host.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            InetAddress.getByName(host); // a literal: parsed, never resolved
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
