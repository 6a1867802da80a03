package io.pgwarden.bench;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Runs Flyway's migrate as a whole process, the way a sidecar would: {@code FlywayRunner JDBC_URL USER DIR}.
 * Defaults otherwise (one transaction per file, history table flyway_schema_history, validate on migrate).
 */
public final class FlywayRunner {
    private FlywayRunner() {
    }

    public static void main(String[] args) {
        Flyway flyway = Flyway.configure()
                .dataSource(args[0], args[1], args.length > 3 ? args[3] : null)
                .locations("filesystem:" + args[2])
                .load();
        MigrateResult r = flyway.migrate();
        System.out.println("flyway: applied " + r.migrationsExecuted + " migrations");
    }
}
