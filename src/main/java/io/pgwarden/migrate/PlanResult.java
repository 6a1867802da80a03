package io.pgwarden.migrate;

import java.util.List;

/**
 * What {@code apply} would run, in order, and the validation problems that would stop it.
 */
public record PlanResult(List<PlannedMigration> migrations, List<String> problems) {
    public PlanResult {
        migrations = List.copyOf(migrations);
        problems = List.copyOf(problems);
    }
}
