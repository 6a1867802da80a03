package io.pgwarden.health;

import java.util.Locale;

/** Where one migration chain stands from the agent's point of view. */
public enum ChainState {
    /** Not applied yet: the server was not reachable, or the agent has not got to it. */
    WAITING,
    /** An apply run is in progress. */
    APPLYING,
    /** The last apply run succeeded and nothing is pending. */
    APPLIED,
    /** The last apply run failed; {@link MigrationChainStatus#error()} says why. */
    FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
