/**
 * TLS material for PostgreSQL: issuing a CA, server and client certificates ({@link io.pgwarden.pg.tls.CertsCommand},
 * BouncyCastle), reading PEM files ({@link io.pgwarden.pg.tls.Pem}), checking a certificate/key/CA triple before a
 * server starts ({@link io.pgwarden.pg.tls.TlsFiles}) and reading the certificate a server presents
 * ({@link io.pgwarden.pg.tls.ServerCertificateProbe}). Keys are written with mode 0600 and never printed or logged.
 * Part of {@code pg}: depends on core only.
 */
package io.pgwarden.pg.tls;
