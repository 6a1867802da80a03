package io.pgwarden.ha;

import java.util.Objects;

/**
 * What a peer's health API answered this cycle (asked in parallel with a short timeout, outside the decision):
 * whether it answered, whether its PostgreSQL runs as a primary, and whether it still sees this node as leader
 * (the failsafe vote).
 */
public record PeerReport(String name, boolean reachable, boolean primary, boolean seesMeAsLeader) {
    public PeerReport {
        Objects.requireNonNull(name, "name");
    }

    public static PeerReport unreachable(String name) {
        return new PeerReport(name, false, false, false);
    }
}
