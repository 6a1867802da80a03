package io.pgwarden.health;

import java.time.Instant;

/**
 * The server certificate the node serves, for {@code /health} ({@code "tls"}) and the metric
 * {@code pgwarden_tls_certificate_expiry_timestamp_seconds}: which file, whose, until when. Never the key.
 *
 * @param file     the certificate file PostgreSQL reads
 * @param subject  its subject, e.g. {@code CN=db.example.com}
 * @param notAfter the end of its validity; null when the file cannot be read
 * @param error    why it cannot be read, or null
 */
public record TlsCertificateStatus(String file, String subject, Instant notAfter, String error) {
}
