package io.pgwarden.ha;

import java.util.Optional;

/**
 * What an attempt on the leader key found. Losing is a result, not an exception: {@code ours() == false} with the
 * holder that won (empty when the key is now absent, e.g. a renew found it expired). Store failures throw instead.
 */
public record LeaderResult(boolean ours, Optional<String> holder) {

    public static LeaderResult won(String member) {
        return new LeaderResult(true, Optional.of(member));
    }

    public static LeaderResult heldBy(String other) {
        return new LeaderResult(false, Optional.of(other));
    }

    public static LeaderResult absent() {
        return new LeaderResult(false, Optional.empty());
    }

    /** {@code "held by b"}, {@code "ours"}, {@code "absent"}. */
    public String describe() {
        return ours ? "ours" : holder.map(h -> "held by " + h).orElse("absent");
    }
}
