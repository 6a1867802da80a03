package io.pgwarden.ha;

import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code failsafe} key: the members the leader last saw (name → health URL), written by the leader. During a
 * store outage a leader stays primary only if every member in this list answers that it still sees it as leader
 * (Patroni's failsafe_mode); a member missing from the list may not take part in that vote.
 */
public record FailsafeState(Map<String, String> members) {
    public FailsafeState {
        members = java.util.Collections.unmodifiableMap(new TreeMap<>(members));
    }
}
