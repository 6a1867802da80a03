package io.pgwarden.topology;

import io.pgwarden.core.ByteSize;
import io.pgwarden.core.Durations;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code --max-lag}: how far behind the primary a replica may be and still serve read-only traffic, either in
 * bytes of WAL not yet replayed ({@code 16MB}; units B, kB, MB, GB, TB; a bare number is bytes) or in time since
 * the last replayed transaction while WAL waits to be replayed ({@code 30s}; units ms, s, m, h).
 * {@link #NONE} accepts any lag.
 */
public record LagLimit(Long maxBytes, Duration maxTime) {
    public static final LagLimit NONE = new LagLimit(null, null);

    /**
     * @throws IllegalArgumentException listing the accepted forms
     */
    public static LagLimit parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            throw new IllegalArgumentException("expected a size such as 16MB or a duration such as 30s");
        }
        if (t.chars().allMatch(Character::isDigit) || t.endsWith("b")) {
            try {
                return new LagLimit(ByteSize.parse(t, 1).bytes(), null);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expected a size such as 16MB or a duration such as 30s");
            }
        }
        try {
            return new LagLimit(null, Durations.parse(t));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected a size such as 16MB or a duration such as 30s");
        }
    }

    /** Why {@code replica} exceeds this limit, or null when it does not. */
    String exceededBy(NodeState replica) {
        if (maxBytes != null) {
            if (replica.lagBytes() == null) {
                return "replay lag unknown, --max-lag " + new ByteSize(maxBytes).toPgString();
            }
            if (replica.lagBytes() > maxBytes) {
                return "replay lag " + replica.lagBytes() + " bytes > --max-lag " + maxBytes + " bytes";
            }
        }
        if (maxTime != null && replica.replayLag() != null && replica.replayLag().compareTo(maxTime) > 0) {
            return "replay lag " + Durations.format(replica.replayLag()) + " > --max-lag " + Durations.format(maxTime);
        }
        return null;
    }

    @Override
    public String toString() {
        return maxBytes != null ? maxBytes + " bytes" : maxTime != null ? Durations.format(maxTime) : "none";
    }
}
