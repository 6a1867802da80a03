package io.pgwarden.migrate;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the migration files of a directory and orders them into chains. Understands a directory mounted
 * from a Kubernetes ConfigMap: when {@code ..data} exists, the snapshot it points to is read (so a
 * concurrent update is never seen half-way), hidden entries ({@code ..2026_...}, {@code .git}) are ignored,
 * and flattened {@code <group>_<NNN>_<description>.sql} keys belong to {@code <group>}. Files may sit in
 * one level of group subdirectories; each group is an independent chain. Every problem (bad name,
 * duplicate version, nesting too deep) is collected and reported at once as INVALID_INPUT.
 */
public final class MigrationResolver {
    private static final Logger log = LoggerFactory.getLogger(MigrationResolver.class);
    /** The symlink a ConfigMap volume swaps atomically on every update. */
    static final String CONFIGMAP_DATA = "..data";

    private final Path dir;
    private final String consequence;
    private final boolean oneChain;

    public MigrationResolver(Path dir) {
        this(dir, SqlScript.NOTHING_APPLIED, false);
    }

    /** The directory of {@code settings}, read as one chain when it says so ({@code --one-chain}). */
    public MigrationResolver(MigrationSettings settings) {
        this(settings.dir(), SqlScript.NOTHING_APPLIED, settings.oneChain());
    }

    /**
     * @param consequence ends the refusal of unusable files, e.g. "nothing was applied"
     * @param oneChain    subdirectories at any depth belong to the root chain (scripts {@code sub/V1__x.sql}, ordered
     *                    by version with the other files), as Flyway reads a location; no flattened group keys
     */
    MigrationResolver(Path dir, String consequence, boolean oneChain) {
        this.dir = dir;
        this.consequence = consequence;
        this.oneChain = oneChain;
    }

    /** The directory that holds the files right now: {@code dir/..data}'s target for a ConfigMap, else {@code dir}. */
    public Path effectiveRoot() {
        Path data = dir.resolve(CONFIGMAP_DATA);
        if (Files.isDirectory(data)) {
            try {
                return data.toRealPath();
            } catch (IOException e) {
                return dir; // swapped away while we looked; the next call sees the new one
            }
        }
        return dir;
    }

    /**
     * Reads every migration file.
     *
     * @return the chains, the root chain ({@code ""}) first, then groups by name
     * @throws PgWardenException INVALID_INPUT listing every problem found
     */
    public List<MigrationChain> resolve() {
        if (!Files.isDirectory(dir)) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "Migrations directory " + dir
                    + " does not exist or is not a directory; set --dir or MIGRATIONS_DIR (or CONFIGMAP_PATH).");
        }
        Path root = effectiveRoot();
        List<String> problems = new ArrayList<>();
        List<Found> found = new ArrayList<>();
        for (Path entry : sortedEntries(root, problems)) {
            String name = entry.getFileName().toString();
            // A name ending in .sql is taken for a file without a stat call: thousands of files list faster.
            if (!MigrationNames.isSql(name) && Files.isDirectory(entry)) {
                if (oneChain) {
                    readTree(entry, name, found, problems);
                } else {
                    readGroup(entry, name, found, problems);
                }
            } else if (MigrationNames.isSql(name)) {
                MigrationNames.Parsed p = oneChain ? MigrationNames.parseInChain(name) : MigrationNames.parseTopLevel(name);
                if (p == null && MigrationNames.isFlywayCallback(name)) {
                    skipCallback(name);
                } else if (p == null) {
                    problems.add(name + ": not a migration file name; " + MigrationNames.ACCEPTED + ".");
                } else {
                    found.add(new Found(p.group() == null ? "" : p.group(), p, entry, null));
                }
            } else {
                log.debug("ignoring {} in {}: not a .sql file", name, dir);
            }
        }
        Map<String, List<ResolvedMigration>> byGroup = read(found, problems);
        List<MigrationChain> chains = new ArrayList<>();
        byGroup.forEach((group, files) -> chains.add(chain(group, files, problems)));
        if (!problems.isEmpty()) {
            throw PgWardenException.invalid(prefixed(problems));
        }
        return chains;
    }

    private List<String> prefixed(List<String> problems) {
        List<String> out = new ArrayList<>();
        out.add("Migrations in " + dir + " cannot be used (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + "); " + consequence + ":");
        problems.forEach(p -> out.add("  " + p));
        return out;
    }

    private void readGroup(Path groupDir, String group, List<Found> found, List<String> problems) {
        for (Path entry : sortedEntries(groupDir, problems)) {
            String name = entry.getFileName().toString();
            if (!MigrationNames.isSql(name) && Files.isDirectory(entry)) {
                problems.add(group + "/" + name + ": directories nest one level only (<group>/<file>.sql);"
                        + " move its files up into " + group + "/ or into a group of their own.");
            } else if (MigrationNames.isSql(name)) {
                MigrationNames.Parsed p = MigrationNames.parseInChain(name);
                if (p == null && MigrationNames.isFlywayCallback(name)) {
                    skipCallback(group + "/" + name);
                } else if (p == null) {
                    problems.add(group + "/" + name + ": not a migration file name; " + MigrationNames.ACCEPTED + ".");
                } else {
                    found.add(new Found(group, p, entry, null));
                }
            }
        }
    }

    private void skipCallback(String name) {
        log.warn("{} in {} is a Flyway SQL callback; pgwarden runs no callbacks, so it is not run (move what it does"
                + " into a repeatable R__ file)", name, dir);
    }

    /** {@code --one-chain}: every file below {@code directory} (any depth) belongs to the root chain. */
    private void readTree(Path directory, String relative, List<Found> found, List<String> problems) {
        for (Path entry : sortedEntries(directory, problems)) {
            String name = entry.getFileName().toString();
            String path = relative + "/" + name;
            if (!MigrationNames.isSql(name) && Files.isDirectory(entry)) {
                readTree(entry, path, found, problems);
            } else if (MigrationNames.isSql(name)) {
                MigrationNames.Parsed p = MigrationNames.parseInChain(name);
                if (p == null && MigrationNames.isFlywayCallback(name)) {
                    skipCallback(path);
                } else if (p == null) {
                    problems.add(path + ": not a migration file name; " + MigrationNames.ACCEPTED + ".");
                } else {
                    found.add(new Found("", p, entry, path));
                }
            }
        }
    }

    /**
     * A file whose name was accepted, before its content is read.
     *
     * @param relative its path below the directory in one-chain mode (its script), else null
     */
    private record Found(String group, MigrationNames.Parsed name, Path path, String relative) {
        String script() {
            if (relative != null) {
                return relative;
            }
            return group.isEmpty() ? name.fileName() : group + "/" + name.fileName();
        }
    }

    /**
     * Reads and checksums every file. In parallel: thousands of small files are bound by system calls, and
     * two threads halve the time on a two-core machine; results keep the listing order. Every file is read
     * on every run, so a changed file is always seen, whatever its size and time stamps say.
     */
    private static Map<String, List<ResolvedMigration>> read(List<Found> found, List<String> problems) {
        Object[] results = new Object[found.size()];
        java.util.stream.IntStream.range(0, found.size()).parallel().forEach(i -> {
            Found f = found.get(i);
            try {
                Checksums.FileChecksums sums = Checksums.both(f.path());
                results[i] = new ResolvedMigration(f.group(), f.name().type(), f.name().version(),
                        f.name().description(), f.script(), f.path(), sums.pgwarden(), sums.flyway(), f.name().reading());
            } catch (IOException e) {
                results[i] = f.script() + ": cannot be read (" + e.getMessage() + ").";
            }
        });
        Map<String, List<ResolvedMigration>> byGroup = new TreeMap<>();
        for (Object r : results) {
            if (r instanceof ResolvedMigration m) {
                byGroup.computeIfAbsent(m.group(), g -> new ArrayList<>()).add(m);
            } else {
                problems.add((String) r);
            }
        }
        return byGroup;
    }

    private static MigrationChain chain(String group, List<ResolvedMigration> files, List<String> problems) {
        List<ResolvedMigration> versioned = new ArrayList<>();
        List<ResolvedMigration> repeatable = new ArrayList<>();
        Map<MigrationVersion, ResolvedMigration> seen = new HashMap<>();
        Map<MigrationVersion, ResolvedMigration> seenBaselines = new HashMap<>(); // B3 may stand beside V3
        Map<String, ResolvedMigration> seenScripts = new HashMap<>();
        for (ResolvedMigration m : files) {
            ResolvedMigration sameScript = seenScripts.putIfAbsent(m.script(), m);
            if (sameScript != null) {
                problems.add(m.script() + ": found twice (" + sameScript.path() + " and " + m.path()
                        + "); keep one of them.");
                continue;
            }
            if (m.type() == MigrationType.REPEATABLE) {
                repeatable.add(m);
                continue;
            }
            ResolvedMigration other = (m.type() == MigrationType.BASELINE_MIGRATION ? seenBaselines : seen)
                    .putIfAbsent(m.version(), m);
            if (other != null) {
                problems.add("chain " + MigrationChain.displayName(group) + ": " + other.script() + " and " + m.script()
                        + " both have version " + m.version() + "; give one of them another version.");
            } else {
                versioned.add(m);
            }
        }
        // by version; at the same version a baseline migration (B3) before the versioned file it stands for (V3)
        versioned.sort(Comparator.comparing(ResolvedMigration::version)
                .thenComparing(m -> m.type() == MigrationType.BASELINE_MIGRATION ? 0 : 1));
        repeatable.sort(Comparator.comparing(ResolvedMigration::script));
        return new MigrationChain(group, versioned, repeatable);
    }

    private static List<Path> sortedEntries(Path directory, List<String> problems) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
            for (Path p : ds) {
                if (!p.getFileName().toString().startsWith(".")) {
                    entries.add(p);
                }
            }
        } catch (IOException e) {
            problems.add(directory + ": cannot be listed (" + e.getMessage() + ").");
        }
        entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return entries;
    }
}
