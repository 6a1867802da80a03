package io.pgwarden.migrate;

import java.nio.file.Path;

/**
 * One migration file found on disk. {@code script} is its identity in the history table:
 * {@code <file>} for the root chain, {@code <group>/<file>} for a group (also for a ConfigMap's flattened
 * {@code <group>_<NNN>_<description>.sql} keys, so both layouts share one history).
 *
 * @param group          the chain's name, {@code ""} for files at the top of the directory
 * @param version        null for repeatable files
 * @param checksum       CRC32 of the contents with line endings normalised to LF (what pgwarden records)
 * @param flywayChecksum the checksum Flyway computes for the file (compared with rows adopted from Flyway's history)
 * @param reading        how the name was read, for {@code plan}: {@code Flyway baseline B<version>__}
 */
public record ResolvedMigration(String group, MigrationType type, MigrationVersion version, String description,
        String script, Path path, int checksum, int flywayChecksum, String reading) {

    /** A file whose Flyway checksum and name reading do not matter (tests, tools). */
    public ResolvedMigration(String group, MigrationType type, MigrationVersion version, String description,
            String script, Path path, int checksum) {
        this(group, type, version, description, script, path, checksum, checksum, "");
    }

    /** {@code V3 add index (gcp/003_add_index.sql)}-style name for messages. */
    public String displayName() {
        return script;
    }

    /** The file name without its group: what Flyway's {@code ${flyway:filename}} gives. */
    public String fileName() {
        return path == null ? script.substring(script.lastIndexOf('/') + 1) : path.getFileName().toString();
    }
}
