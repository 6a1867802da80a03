package io.pgwarden.migrate;

import java.util.List;

/** The chains {@code baseline} marked, and the version everything up to which now counts as applied. */
public record BaselineResult(String version, List<String> chains) {
    public BaselineResult {
        chains = List.copyOf(chains);
    }
}
