package io.pgwarden.migrate;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Flyway's {@code ${name}} placeholders: the user's ({@code --placeholder name=value}, {@code MIGRATE_PLACEHOLDERS})
 * and Flyway's built-ins ({@code ${flyway:defaultSchema}}, {@code ${flyway:user}}, {@code ${flyway:database}},
 * {@code ${flyway:timestamp}}, {@code ${flyway:filename}}, {@code ${flyway:table}}, {@code ${flyway:workingDirectory}},
 * {@code ${flyway:environment}}). Names are case-insensitive, as Flyway's. One instance per file
 * ({@link #forFile}) knows the file name. An unknown placeholder is an error naming the file, line and placeholder.
 */
public final class Placeholders {
    private final Map<String, String> values;
    private final String hint;

    private Placeholders(Map<String, String> values, String hint) {
        this.values = values;
        this.hint = hint;
    }

    /**
     * @param user      the user's placeholders, by name
     * @param builtIns  {@code flyway:...} values of this run, without {@code flyway:filename}
     */
    public static Placeholders of(Map<String, String> user, Map<String, String> builtIns) {
        Map<String, String> v = new HashMap<>();
        builtIns.forEach((k, val) -> v.put(k.toLowerCase(Locale.ROOT), val));
        user.forEach((k, val) -> v.put(k.toLowerCase(Locale.ROOT), val));
        String known = user.isEmpty() ? "no --placeholder was given"
                : "placeholders given: " + String.join(", ", new TreeMap<>(user).keySet());
        return new Placeholders(v, known);
    }

    /** The same values, with {@code ${flyway:filename}} this file's name. */
    Placeholders forFile(ResolvedMigration m) {
        Map<String, String> v = new HashMap<>(values);
        v.put("flyway:filename", m.fileName());
        return new Placeholders(v, hint);
    }

    /** The value of {@code ${name}}, or null when there is none. */
    String lookup(String name) {
        return values.get(name.toLowerCase(Locale.ROOT));
    }

    /** The value of {@code ${name}} at {@code line} of {@code script}. */
    String value(String name, String script, int line) {
        String v = values.get(name.toLowerCase(Locale.ROOT));
        if (v == null) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "Migration " + script + " line " + line
                    + ": placeholder ${" + name + "} has no value (" + hint + "). Give it one with"
                    + " --placeholder " + name + "=VALUE (or MIGRATE_PLACEHOLDERS=" + name + "=VALUE,...), or turn"
                    + " replacement off with --no-placeholders; nothing was applied.");
        }
        return v;
    }
}
