package io.pgwarden.migrate;

import java.nio.file.Path;

/**
 * One migration file found on disk. {@code script} is its identity in the history table:
 * {@code <file>} for the root chain, {@code <group>/<file>} for a group (also for a ConfigMap's flattened
 * {@code <group>_<NNN>_<description>.sql} keys, so both layouts share one history).
 *
 * @param group    the chain's name, {@code ""} for files at the top of the directory
 * @param version  null for repeatable files
 * @param checksum CRC32 of the contents with line endings normalised to LF
 */
public record ResolvedMigration(String group, MigrationType type, MigrationVersion version, String description,
        String script, Path path, int checksum) {

    /** {@code V3 add index (gcp/003_add_index.sql)}-style name for messages. */
    public String displayName() {
        return script;
    }
}
