package io.pgwarden.instance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A libpq password file ({@code .pgpass} format: {@code host:port:database:user:password}, mode 0600).
 * This is how pgwarden hands passwords to pg_basebackup, pg_rewind and the WAL receiver
 * ({@code primary_conninfo passfile=...}): never on a command line, never in an environment value.
 */
public final class PgPassFile {
    private PgPassFile() {
    }

    /** Writes one line for {@code host:port}, any database (including {@code replication}), {@code user}. */
    public static void write(ServerFiles files, Path file, String host, int port, String user, String password)
            throws IOException {
        String line = escape(host) + ":" + port + ":*:" + escape(user) + ":" + escape(password) + "\n";
        files.write(file, line, ServerFiles.OWNER_ONLY_FILE);
    }

    /** The password of the first line for {@code user}, if the file exists and has one. */
    public static Optional<String> passwordFor(Path file, String user) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = split(line);
                if (f.length == 5 && f[3].equals(user) && !f[4].isEmpty()) {
                    return Optional.of(f[4]);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static String escape(String field) {
        return field.replace("\\", "\\\\").replace(":", "\\:");
    }

    /** Splits on unescaped colons, undoing the escapes. */
    static String[] split(String line) {
        java.util.List<String> fields = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
            } else if (c == ':') {
                fields.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        fields.add(cur.toString());
        return fields.toArray(String[]::new);
    }
}
