package io.pgwarden.health;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest status of each migration chain, written by the agent after each apply run and read by
 * health requests. Chains are declared up front as WAITING, so readiness is false until their first
 * successful run.
 */
public final class MigrationStatusBoard {
    private final Map<String, MigrationChainStatus> chains = new ConcurrentHashMap<>();

    /** Records (or replaces) the status of {@code status.chain()}. */
    public void update(MigrationChainStatus status) {
        chains.put(status.chain(), status);
    }

    /** Forgets every chain not named in {@code names} (a chain gone from the directory and the history). */
    public void retain(java.util.Collection<String> names) {
        chains.keySet().retainAll(java.util.Set.copyOf(names));
    }

    /** Every chain, sorted by name. */
    public List<MigrationChainStatus> chains() {
        return chains.values().stream().sorted(Comparator.comparing(MigrationChainStatus::chain)).toList();
    }
}
