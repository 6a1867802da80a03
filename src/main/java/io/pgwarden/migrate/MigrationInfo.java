package io.pgwarden.migrate;

import java.time.Instant;

/**
 * One line of {@code info}: a file, a history row, or both, with its state.
 *
 * @param version          null for repeatable migrations
 * @param checksum         the file's checksum, null when the file is missing
 * @param appliedChecksum  the recorded checksum, null when never applied
 * @param installedOn      null when never applied
 * @param executionTimeMs  null when never applied
 * @param error            the recorded failure, null unless {@link MigrationState#FAILED}
 * @param file             the file, null when missing
 * @param applied          the history row that decided the state, null when none
 */
public record MigrationInfo(String group, MigrationType type, MigrationVersion version, String description,
        String script, MigrationState state, Integer checksum, Integer appliedChecksum, Instant installedOn,
        String installedBy, Integer executionTimeMs, String error, ResolvedMigration file, AppliedMigration applied) {

    static MigrationInfo of(ResolvedMigration f, AppliedMigration a, MigrationState state) {
        String group = f != null ? f.group() : a.group();
        MigrationType type = f != null ? f.type() : a.type();
        MigrationVersion version = f != null ? f.version() : a.version() == null ? null : MigrationVersion.parse(a.version());
        String description = f != null ? f.description() : a.description();
        String script = f != null ? f.script() : a.script();
        return new MigrationInfo(group, type, version, description, script, state, f == null ? null : f.checksum(),
                a == null ? null : a.checksum(), a == null ? null : a.installedOn(), a == null ? null : a.installedBy(),
                a == null ? null : a.executionTimeMs(), a != null && !a.success() ? a.error() : null, f, a);
    }
}
