package io.pgwarden.pg;

import java.util.regex.Pattern;

/** Quoting and validation of SQL identifiers and literals built into statements. */
public final class SqlIdentifiers {
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

    private SqlIdentifiers() {
    }

    /** {@code "name"} with embedded quotes doubled; rejects empty names, NUL and names over 63 bytes. */
    public static String quote(String identifier) {
        String problem = problem(identifier);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** A single-quoted SQL string literal (standard_conforming_strings on). */
    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a string literal cannot contain a NUL character");
        }
        return '\'' + value.replace("'", "''") + '\'';
    }

    /** Null when {@code identifier} is usable as a name, else why not. */
    public static String problem(String identifier) {
        if (identifier == null || identifier.isEmpty()) {
            return "a name cannot be empty";
        }
        if (identifier.indexOf('\0') >= 0) {
            return "a name cannot contain a NUL character";
        }
        if (identifier.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63) {
            return "a name can have at most 63 bytes (PostgreSQL's NAMEDATALEN)";
        }
        return null;
    }

    /** True for names that need no quoting (letters, digits, underscore, lower case). */
    public static boolean isPlain(String identifier) {
        return PLAIN_NAME.matcher(identifier).matches() && identifier.equals(identifier.toLowerCase(java.util.Locale.ROOT));
    }
}
