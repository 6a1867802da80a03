package io.pgwarden.migrate;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The accepted file names. In a chain: {@code V<version>__<description>.sql}, {@code R__<description>.sql}
 * and {@code <NNN>_<description>.sql}. At the top of the directory also {@code <group>_<NNN>_<description>.sql},
 * the flattened form a Kubernetes ConfigMap key takes, read as file {@code <NNN>_<description>.sql} of
 * {@code <group>}; the group is the shortest prefix followed by {@code _<digits>_}.
 */
final class MigrationNames {
    static final String ACCEPTED = "use V<version>__<description>.sql (e.g. V1.2__add_users.sql),"
            + " R__<description>.sql or <NNN>_<description>.sql (e.g. 001_create_schema.sql)";

    private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__(.+)\\.sql", Pattern.CASE_INSENSITIVE);
    private static final Pattern REPEATABLE = Pattern.compile("R__(.+)\\.sql", Pattern.CASE_INSENSITIVE);
    private static final Pattern NUMBERED = Pattern.compile("(\\d+)_(.+)\\.sql", Pattern.CASE_INSENSITIVE);
    private static final Pattern FLATTENED = Pattern.compile("([A-Za-z][A-Za-z0-9_-]*?)_(\\d+_.+\\.sql)",
            Pattern.CASE_INSENSITIVE);

    /** What a name means: its chain (null: the enclosing one), its file name inside the chain, type, version. */
    record Parsed(String group, String fileName, MigrationType type, MigrationVersion version, String description) {
    }

    private MigrationNames() {
    }

    static boolean isSql(String name) {
        return name.regionMatches(true, name.length() - 4, ".sql", 0, 4);
    }

    /** Parses a file name inside a chain; null when it is not an accepted name. */
    static Parsed parseInChain(String name) {
        Matcher m = VERSIONED.matcher(name);
        if (m.matches()) {
            return new Parsed(null, name, MigrationType.VERSIONED, MigrationVersion.parse(m.group(1)), words(m.group(2)));
        }
        m = REPEATABLE.matcher(name);
        if (m.matches()) {
            return new Parsed(null, name, MigrationType.REPEATABLE, null, words(m.group(1)));
        }
        m = NUMBERED.matcher(name);
        if (m.matches()) {
            return new Parsed(null, name, MigrationType.VERSIONED, MigrationVersion.parse(m.group(1)), words(m.group(2)));
        }
        return null;
    }

    /** Parses a file name at the top of the directory, including the flattened group form; null when not accepted. */
    static Parsed parseTopLevel(String name) {
        Parsed p = parseInChain(name);
        if (p != null) {
            return p;
        }
        Matcher m = FLATTENED.matcher(name);
        if (m.matches()) {
            Parsed inner = parseInChain(m.group(2));
            if (inner != null) {
                return new Parsed(m.group(1), m.group(2), inner.type(), inner.version(), inner.description());
            }
        }
        return null;
    }

    private static String words(String raw) {
        return raw.replace('_', ' ').trim();
    }
}
