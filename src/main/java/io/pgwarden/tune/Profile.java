package io.pgwarden.tune;

import io.pgwarden.core.PgVersion;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the server is for and what it runs on: workload, storage, the PostgreSQL major version the
 * settings must be valid for, and the libraries to preload (may be empty).
 */
public record Profile(Workload workload, StorageType storage, PgVersion pgVersion, List<String> preloadLibraries) {
    /**
     * A library file name as shared_preload_libraries accepts it. Paths are not accepted: names are
     * looked up in $libdir, and a plain name is safe in a conf file, a {@code -c} flag and a shell line.
     */
    private static final Pattern LIBRARY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    public Profile {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(pgVersion, "pgVersion");
        preloadLibraries = List.copyOf(preloadLibraries);
    }

    /** The defaults of {@code pgwarden tune}: web workload on SSD, no preloaded libraries. */
    public static Profile defaults(PgVersion pgVersion) {
        return new Profile(Workload.WEB, StorageType.SSD, pgVersion, List.of());
    }

    public Profile withPreloadLibraries(List<String> libraries) {
        return new Profile(workload, storage, pgVersion, libraries);
    }

    /**
     * Parses a comma-separated list of library names ({@code pg_stat_statements,auto_explain}); blanks
     * around names are dropped, an empty text gives an empty list.
     *
     * @throws IllegalArgumentException naming the first invalid entry and what a name may contain
     */
    public static List<String> parseLibraries(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        String[] parts = text.split(",", -1);
        List<String> names = new java.util.ArrayList<>();
        for (String part : parts) {
            String name = part.trim();
            if (!LIBRARY.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a library name; expected a comma-separated"
                        + " list of names made of letters, digits, '_', '.' and '-', e.g. pg_stat_statements,auto_explain");
            }
            names.add(name);
        }
        return List.copyOf(names);
    }
}
