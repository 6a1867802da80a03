package io.pgwarden.migrate;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Marks an existing database as migrated up to a version: writes a baseline row in the chain given (or in
 * every chain), so files up to that version are never run there. Refuses a chain that already has history,
 * and a version no file of the chain has (a baseline above a chain's files would hide its future files
 * forever), except when the directory holds no migration files yet.
 */
public final class BaselineCommand {
    /** The {@code group} that selects every chain. */
    public static final String ALL_GROUPS = "*";

    private final MigrationSettings settings;
    private final MigrationVersion version;
    private final String group;
    private final Clock clock;

    /** @param group the chain to baseline ({@code ""} for the root one), or {@link #ALL_GROUPS} */
    public BaselineCommand(MigrationSettings settings, MigrationVersion version, String group, Clock clock) {
        this.settings = settings;
        this.version = version;
        this.group = group;
        this.clock = clock;
    }

    /** The chains to baseline, each checked against the rule above (INVALID_INPUT, nothing changed). */
    private List<String> targets(List<MigrationChain> chains) {
        boolean noFiles = chains.stream().allMatch(c -> c.versioned().isEmpty() && c.repeatable().isEmpty());
        if (noFiles) {
            if (!group.isEmpty() && !group.equals(ALL_GROUPS)) {
                throw refuse("there is no chain " + group + " in " + settings.dir() + " (it has no migration files)");
            }
            return List.of("");
        }
        List<MigrationChain> selected = new ArrayList<>();
        for (MigrationChain c : chains) {
            if (group.equals(ALL_GROUPS) || c.group().equals(group)) {
                selected.add(c);
            }
        }
        if (selected.isEmpty()) {
            throw refuse("there is no chain " + MigrationChain.displayName(group) + " in " + settings.dir() + " (chains: "
                    + String.join(", ", chains.stream().map(MigrationChain::displayName).toList()) + ")");
        }
        List<String> groups = new ArrayList<>();
        for (MigrationChain c : selected) {
            if (c.versioned().stream().noneMatch(m -> version.equals(m.version()))) {
                throw refuse("chain " + c.displayName() + " has no versioned file of version " + version + " (its versions: "
                        + (c.versioned().isEmpty() ? "none" : String.join(", ", c.versioned().stream()
                                .map(m -> m.version().toString()).toList()))
                        + "), so a baseline there would hide a future " + (c.group().isEmpty() ? "" : c.group() + "/")
                        + "V" + version + "__*.sql forever. Baseline at the version of an existing file"
                        + (group.equals(ALL_GROUPS) ? ", one chain at a time with --group" : "")
                        + (group.isEmpty() ? ", or name another chain with --group" : ""));
            }
            groups.add(c.group());
        }
        return groups;
    }

    private PgWardenException refuse(String why) {
        return new PgWardenException(ErrorCode.INVALID_INPUT, "Cannot baseline " + settings.spec().display() + " at version "
                + version + ": " + why + ". Nothing was changed.");
    }

    public BaselineResult execute() {
        var chains = new MigrationResolver(settings).resolve();
        List<String> groups = targets(chains);
        // never created here: a mistyped name would get an empty database marked as migrated up to the version
        try (MigrationSession session = MigrationSession.open(settings, false, clock)) {
            if (session.missing()) {
                throw refuse("database " + settings.spec().database() + " does not exist on " + settings.spec().address()
                        + ", and baseline marks an existing database (whose schema was created without pgwarden). Check"
                        + " the database name in --url / DATABASE_URL; to start a new database, run 'pgwarden migrate"
                        + " apply' instead");
            }
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
