package io.pgwarden.migrate;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Marks an existing database as migrated up to a version: writes a baseline row in each chain (or the one
 * given), so files up to that version are never run there. Refuses a chain that already has history.
 */
public final class BaselineCommand {
    private final MigrationSettings settings;
    private final MigrationVersion version;
    private final String group;
    private final Clock clock;

    /** @param group the chain to baseline ({@code ""} for the root one), or null for every chain */
    public BaselineCommand(MigrationSettings settings, MigrationVersion version, String group, Clock clock) {
        this.settings = settings;
        this.version = version;
        this.group = group;
        this.clock = clock;
    }

    public BaselineResult execute() {
        var chains = new MigrationResolver(settings.dir()).resolve();
        List<String> groups = new ArrayList<>();
        if (group != null) {
            groups.add(group);
        } else {
            chains.forEach(c -> groups.add(c.group()));
            if (groups.isEmpty()) {
                groups.add("");
            }
        }
        try (MigrationSession session = MigrationSession.open(settings, true, clock)) {
            session.lockAndPrepare();
            try {
                List<ChainReport> reports = session.reports(chains);
                for (ChainReport r : reports) {
                    boolean hasHistory = r.migrations().stream().anyMatch(i -> i.applied() != null);
                    if (groups.contains(r.group()) && hasHistory) {
                        throw new PgWardenException(ErrorCode.VALIDATION_FAILED, "Chain " + r.displayName() + " of "
                                + settings.spec().display() + " already has migration history; baseline is only for a"
                                + " database whose schema was created without pgwarden. Nothing was changed.");
                    }
                }
                session.connection().setAutoCommit(false);
                for (String g : groups) {
                    session.history().add(new AppliedMigration(0, g, version.toString(), "<< baseline >>",
                            MigrationType.BASELINE, "<< baseline >>", null, null, null, 0, true, null));
                }
                session.connection().commit();
                session.connection().setAutoCommit(true);
                return new BaselineResult(version.toString(), groups.stream().map(MigrationChain::displayName).toList());
            } catch (SQLException e) {
                throw session.failure("write the baseline", e);
            } finally {
                session.unlock();
            }
        }
    }
}
