package io.pgwarden.health;

import java.time.Duration;
import java.time.Instant;

/**
 * The state of one migration chain (one migrations directory applied to one database).
 *
 * @param chain        the chain's name (the directory or database it targets)
 * @param state        waiting, applying, applied or failed
 * @param applied      migrations recorded as applied
 * @param pending      migrations found on disk and not applied yet
 * @param failed       migrations whose last attempt failed
 * @param error        the failure message (what failed, where, why; never a password), null if none
 * @param lastDuration how long the last apply run took, null before the first
 * @param updatedAt    when this status was recorded
 */
public record MigrationChainStatus(String chain, ChainState state, int applied, int pending, int failed,
        String error, Duration lastDuration, Instant updatedAt) {

    /** Ready means: the last run succeeded, nothing pending and nothing failed. */
    public boolean upToDate() {
        return state == ChainState.APPLIED && pending == 0 && failed == 0;
    }
}
