package io.pgwarden.migrate;

import java.util.List;

/** Every change {@code repair} made to the history table, one sentence each. */
public record RepairResult(List<String> changes) {
    public RepairResult {
        changes = List.copyOf(changes);
    }
}
