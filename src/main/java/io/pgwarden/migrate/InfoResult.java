package io.pgwarden.migrate;

import java.util.List;

/**
 * Every chain compared with the history.
 *
 * @param databaseExists false when the target database does not exist yet (everything is pending)
 */
public record InfoResult(List<ChainReport> chains, boolean databaseExists) {
    public InfoResult {
        chains = List.copyOf(chains);
    }

    /** One status per chain, for the agent and health endpoints. */
    public List<MigrationStatus> status() {
        return chains.stream().map(MigrationStatus::of).toList();
    }
}
