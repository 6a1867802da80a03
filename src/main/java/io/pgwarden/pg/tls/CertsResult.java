package io.pgwarden.pg.tls;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What {@code pgwarden certs} did to each certificate: created, renewed (with the reason) or kept.
 *
 * @param entries the CA first, then the server, then each client
 */
public record CertsResult(List<Entry> entries) {
    public CertsResult {
        entries = List.copyOf(entries);
    }

    public enum Action { CREATED, RENEWED, KEPT }

    /**
     * @param name        {@code ca}, {@code server} or {@code client NAME}
     * @param certificate the certificate file
     * @param key         the key file (mode 0600), null for a kept CA whose key was not needed
     * @param action      what happened
     * @param reason      why (e.g. "expires within 30 days")
     * @param notAfter    the end of the certificate's validity
     */
    public record Entry(String name, Path certificate, Path key, Action action, String reason, Instant notAfter) {
    }

    /** True when any file was written. */
    public boolean changed() {
        return entries.stream().anyMatch(e -> e.action() != Action.KEPT);
    }
}
