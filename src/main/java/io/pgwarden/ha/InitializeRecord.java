package io.pgwarden.ha;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code initialize} key: the member that won the race to initialise an empty cluster, and the system
 * identifier of the data directory it created (empty until its initdb finished; it is then set by compare-and-set).
 * A member whose data directory has another system identifier belongs to another cluster and must not join.
 */
public record InitializeRecord(String member, Optional<String> systemIdentifier) {
    public InitializeRecord {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(systemIdentifier, "systemIdentifier");
    }

    public static InitializeRecord claimedBy(String member) {
        return new InitializeRecord(member, Optional.empty());
    }

    public InitializeRecord withSystemIdentifier(String id) {
        return new InitializeRecord(member, Optional.of(id));
    }
}
