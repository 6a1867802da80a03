package io.pgwarden.instance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads back what {@link ServerConfigWriter} wrote into a data directory: the settings of the managed include
 * {@value ServerConfigWriter#INCLUDE_FILE} ({@code key = 'value'} lines) and the networks a managed
 * {@code pg_hba.conf} allows besides loopback. Used to tell a user how to start a node again with the options it
 * had (e.g. after {@code pgwarden rejoin --no-start}). Missing or unreadable files read as empty.
 */
public final class ManagedConfigReader {
    /** The loopback lines every managed pg_hba.conf has; not an {@code --allow} network. */
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1/32", "::1/128");

    private ManagedConfigReader() {
    }

    /** The settings of {@code <dataDir>/pgwarden.conf}, in file order. */
    public static Map<String, String> settings(Path dataDir) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines(dataDir.resolve(ServerConfigWriter.INCLUDE_FILE))) {
            int eq = line.indexOf('=');
            String value = eq < 0 ? "" : line.substring(eq + 1).strip();
            if (line.startsWith("#") || eq < 0 || value.length() < 2 || !value.startsWith("'") || !value.endsWith("'")) {
                continue;
            }
            out.put(line.substring(0, eq).strip(), value.substring(1, value.length() - 1).replace("''", "'"));
        }
        return out;
    }

    /** The {@code --allow} networks of a managed {@code pg_hba.conf} (empty when the file is not managed). */
    public static List<String> allowedNetworks(Path dataDir) {
        List<String> lines = lines(dataDir.resolve("pg_hba.conf"));
        List<String> out = new ArrayList<>();
        if (lines.isEmpty() || !lines.get(0).startsWith(ServerConfigWriter.HBA_MARKER)) {
            return out;
        }
        for (String line : lines) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 5 && f[0].equals("host") && f[1].equals("all") && !LOOPBACK.contains(f[3]) && !out.contains(f[3])) {
                out.add(f[3]);
            }
        }
        return out;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
