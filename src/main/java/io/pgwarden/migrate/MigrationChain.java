package io.pgwarden.migrate;

import java.util.List;

/**
 * One independently ordered chain of migrations: the top of the directory ({@code group} is {@code ""}) or
 * one group subdirectory. Versioned files (with Flyway's baseline migrations {@code B<version>__} among them) are
 * sorted by version, a baseline before the versioned file of the same version; repeatable ones by script name.
 */
public record MigrationChain(String group, List<ResolvedMigration> versioned, List<ResolvedMigration> repeatable) {
    public MigrationChain {
        versioned = List.copyOf(versioned);
        repeatable = List.copyOf(repeatable);
    }

    /** {@code (root)} for the top-level chain, else the group name. */
    public String displayName() {
        return displayName(group);
    }

    public static String displayName(String group) {
        return group.isEmpty() ? "(root)" : group;
    }
}
