package io.pgwarden.pg.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@code pgwarden certs} is asked for.
 *
 * @param outDir  where server.crt, server.key and the client-NAME files go (created when missing)
 * @param caDir   where ca.crt and ca.key are kept (reused when present); {@code outDir} when null
 * @param hosts   host names and IP addresses of the server certificate; null keeps an existing certificate's names
 *                (and gives {@link #DEFAULT_HOSTS} to a new one)
 * @param days    validity of the server and client certificates
 * @param clients PostgreSQL user names to issue client certificates for (CN = the name)
 */
public record CertsRequest(Path outDir, Path caDir, List<String> hosts, int days, List<String> clients) {
    /** This machine by every name a local client uses. */
    public static final List<String> DEFAULT_HOSTS = List.of("localhost", "127.0.0.1", "::1");
    /** A year: short enough that a leaked key expires, long enough that renewal is a yearly chore. */
    public static final int DEFAULT_DAYS = 365;
    /** Ten years: the CA is what every client trusts, so replacing it is the expensive step. */
    public static final int CA_DAYS = 3650;

    public CertsRequest {
        Objects.requireNonNull(outDir, "outDir");
        caDir = caDir == null ? outDir : caDir;
        hosts = hosts == null ? null : List.copyOf(hosts);
        clients = List.copyOf(clients);
        if (days < 1 || days > CA_DAYS) {
            throw new IllegalArgumentException("days " + days + " is outside 1-" + CA_DAYS);
        }
    }
}
