package io.pgwarden.topology;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code pgwarden pgbouncer init} did, one line per object: {@code created}, {@code updated} or
 * {@code unchanged}, so a second run shows it changed nothing.
 *
 * @param steps in order: the role, the function per database, the userlist, the ini
 * @param ini   the pgbouncer.ini written or updated
 */
public record PgBouncerAuthResult(List<Step> steps, Path ini) {
    public PgBouncerAuthResult {
        steps = List.copyOf(steps);
    }

    public enum Change { CREATED, UPDATED, UNCHANGED }

    /** @param what e.g. {@code role pgbouncer_auth}; @param detail what changed, or why nothing did */
    public record Step(String what, Change change, String detail) {
        public String line() {
            return change.name().toLowerCase(java.util.Locale.ROOT) + " " + what + (detail == null ? "" : ": " + detail);
        }
    }

    public boolean changed() {
        return steps.stream().anyMatch(s -> s.change() != Change.UNCHANGED);
    }
}
