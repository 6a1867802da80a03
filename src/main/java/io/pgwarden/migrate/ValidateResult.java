package io.pgwarden.migrate;

import java.util.List;

/**
 * Validation problems (empty when the history matches the files), one sentence each with its remedy.
 *
 * @param databaseExists false when the target database does not exist (then nothing was ever applied there)
 */
public record ValidateResult(List<String> problems, List<ChainReport> chains, boolean databaseExists) {
    public ValidateResult {
        problems = List.copyOf(problems);
        chains = List.copyOf(chains);
    }

    public boolean valid() {
        return problems.isEmpty();
    }
}
