package io.pgwarden.ha;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code switchover} key: an operator's request ({@code pgwarden switchover --to B} or {@code failover --to B}).
 * The leader named in {@code from} (any leader when empty) hands over to {@code to}; a forced failover may promote
 * {@code to} without a healthy leader. Deleted by compare-and-set once done or refused.
 */
public record Switchover(Optional<String> from, String to, boolean force) {
    public Switchover {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
    }
}
