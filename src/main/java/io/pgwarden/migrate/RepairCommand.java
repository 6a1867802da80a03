package io.pgwarden.migrate;

import io.pgwarden.core.Clock;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Repairs the history under the migration lock, in one transaction: removes failed records (so the
 * fixed file runs on the next apply) and realigns the recorded checksum and description of applied
 * files that changed since (accepting them as they are; they are not run again).
 */
public final class RepairCommand {
    private final MigrationSettings settings;
    private final Clock clock;

    public RepairCommand(MigrationSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public RepairResult execute() {
        var chains = new MigrationResolver(settings).resolve();
        try (MigrationSession session = MigrationSession.open(settings, false, clock)) {
            if (session.missing()) {
                return new RepairResult(List.of());
            }
            session.lockAndPrepare();
            try {
                return repair(session, session.reports(chains));
            } catch (SQLException e) {
                throw session.failure("repair " + session.history().tableName(), e);
            } finally {
                session.unlock();
            }
        }
    }

    private static RepairResult repair(MigrationSession session, List<ChainReport> reports) throws SQLException {
        List<String> changes = new ArrayList<>();
        session.connection().setAutoCommit(false);
        for (ChainReport r : reports) {
            for (MigrationInfo i : r.migrations()) {
                if (i.state() == MigrationState.FAILED) {
                    session.history().delete(i.applied().installedRank());
                    changes.add("removed the failed record of " + i.script() + (i.error() == null ? "" : " (" + i.error() + ")"));
                } else if (i.state() == MigrationState.MODIFIED) {
                    session.history().realign(i.applied().installedRank(), i.applied().adopted()
                            ? i.file().flywayChecksum() : i.checksum(), i.description());
                    changes.add("realigned the checksum of " + i.script() + " from " + i.appliedChecksum() + " to "
                            + i.checksum() + " (the file is accepted as it is; it is not run again)");
                }
            }
        }
        session.connection().commit();
        session.connection().setAutoCommit(true);
        return new RepairResult(changes);
    }
}
