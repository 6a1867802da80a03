package io.pgwarden.pg;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgVersion;
import io.pgwarden.core.PgWardenException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Chooses the PostgreSQL binaries to run, in this order: {@code --pg-bin DIR}, {@code PG_BINDIR},
 * {@code pg_config --bindir} of the {@code pg_config} on {@code PATH}, the newest
 * {@code /usr/lib/postgresql/N/bin}, and finally the embedded binaries from Maven Central
 * ({@link EmbeddedBinaries}, major {@value #DEFAULT_MAJOR} unless one was asked for). When a major is
 * requested, local installations of other majors are skipped (and the reason says so). The result's
 * {@link PgBinaries#reason()} tells the user which was chosen and why.
 */
public final class BinariesResolver {
    public static final String ENV = "PG_BINDIR";
    /** The major downloaded when nothing is installed and none was asked for. */
    public static final int DEFAULT_MAJOR = 18;
    public static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
    /** {@code postgres --version} answers in milliseconds; a loaded machine may need a few seconds. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    private final ProcessRunner runner;
    private final EmbeddedBinaries embedded;
    private final Map<String, String> env;
    private final Path systemRoot;

    /**
     * @param env        the environment ({@code PG_BINDIR}, {@code PATH})
     * @param systemRoot where versioned installations live, {@link #DEBIAN_ROOT} in production
     */
    public BinariesResolver(ProcessRunner runner, EmbeddedBinaries embedded, Map<String, String> env, Path systemRoot) {
        this.runner = runner;
        this.embedded = embedded;
        this.env = env;
        this.systemRoot = systemRoot;
    }

    /** The production resolver: real processes, Maven Central, {@code /usr/lib/postgresql}. */
    public static BinariesResolver defaults(Map<String, String> env, java.io.PrintStream progress) {
        return new BinariesResolver(new SystemProcessRunner(), EmbeddedBinaries.defaults(env, progress), env, DEBIAN_ROOT);
    }

    /**
     * @throws PgWardenException INVALID_INPUT when an explicit directory is unusable or of another major than
     *         requested; ENVIRONMENT when embedded binaries cannot be obtained
     */
    public PgBinaries resolve(BinariesRequest request) {
        PgVersion wanted = request.major();
        StringBuilder skipped = new StringBuilder();
        Optional<PgBinaries> found = installed(request, skipped);
        if (found.isPresent()) {
            return found.get();
        }
        PgVersion major = wanted != null ? wanted : new PgVersion(DEFAULT_MAJOR);
        EmbeddedBinaries.Installed installed = embedded.install(major);
        String why = (skipped.length() == 0 ? "no PostgreSQL installation found (no --pg-bin, " + ENV
                + ", pg_config on PATH or " + systemRoot + "/N/bin)" : withoutTrailingSeparator(skipped))
                + "; using embedded " + EmbeddedBinaries.ARTIFACT + ":" + installed.version()
                + (wanted != null ? " (" + request.majorOrigin() + "=" + wanted + ")" : " (default major " + DEFAULT_MAJOR
                + "; choose another with --pg-version)") + ", " + installed.origin();
        return new PgBinaries(installed.binDir(), major, installed.version().replaceAll("\\.0$", ""),
                BinarySource.EMBEDDED, why);
    }

    /**
     * What {@link #resolve} would choose among installed binaries, without obtaining embedded ones: empty
     * when it would fall back to the embedded major ({@link #DEFAULT_MAJOR} unless one was asked for).
     * Cheap (at most one {@code postgres --version}); {@code pgwarden tune} uses it for its default version.
     *
     * @throws PgWardenException as {@link #resolve} for an unusable explicit directory
     */
    public Optional<PgBinaries> findInstalled(BinariesRequest request) {
        return installed(request, new StringBuilder());
    }

    private Optional<PgBinaries> installed(BinariesRequest request, StringBuilder skipped) {
        PgVersion wanted = request.major();
        if (request.pgBin() != null) {
            return Optional.of(explicit(request.pgBin(), request.pgBinOrigin() == null ? "--pg-bin" : request.pgBinOrigin(),
                    BinarySource.FLAG, request));
        }
        String envDir = env.get(ENV);
        if (envDir != null && !envDir.isBlank()) {
            return Optional.of(explicit(Path.of(envDir.trim()), ENV, BinarySource.ENV, request));
        }
        Optional<Path> pgConfig = onPath("pg_config");
        if (pgConfig.isPresent()) {
            Optional<PgBinaries> found = fromPgConfig(pgConfig.get(), wanted, skipped);
            if (found.isPresent()) {
                return found;
            }
        }
        return newestSystem(wanted, skipped);
    }

    private PgBinaries explicit(Path dir, String origin, BinarySource source, BinariesRequest request) {
        String problem = serverProgramsProblem(dir);
        if (problem != null) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, origin + "=" + dir + ": " + problem
                    + "; point it at the directory holding postgres, initdb and pg_ctl, e.g. /usr/lib/postgresql/15/bin.");
        }
        String full = probeVersion(dir);
        PgVersion version = PgVersion.parse(full);
        if (request.major() != null && !request.major().equals(version)) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, origin + "=" + dir + " holds PostgreSQL " + full
                    + " but " + request.majorOrigin() + "=" + request.major() + " asks for PostgreSQL "
                    + request.major() + "; use binaries of that major or drop one of the two.");
        }
        return new PgBinaries(dir, version, full, source, origin + " was given");
    }

    private Optional<PgBinaries> fromPgConfig(Path pgConfig, PgVersion wanted, StringBuilder skipped) {
        // one process for both answers: pg_config prints one line per option, in order
        ProcessResult r = runner.run(List.of(pgConfig.toString(), "--bindir", "--version"), PROBE_TIMEOUT);
        List<String> lines = r.stdout().strip().lines().toList();
        if (!r.ok() || lines.size() != 2 || !lines.get(1).startsWith("PostgreSQL ")) {
            skipped.append(pgConfig).append(" --bindir --version failed; ");
            return Optional.empty();
        }
        Path dir = Path.of(lines.get(0).strip());
        if (serverProgramsProblem(dir) != null) {
            skipped.append(pgConfig).append(" points to ").append(dir).append(", which has no server programs; ");
            return Optional.empty();
        }
        String full = lines.get(1).substring("PostgreSQL ".length()).strip().split("\\s+")[0];
        PgVersion version;
        try {
            version = PgVersion.parse(full);
        } catch (IllegalArgumentException e) {
            skipped.append(pgConfig).append(" points to PostgreSQL ").append(full).append(", which pgwarden does not run; ");
            return Optional.empty();
        }
        if (wanted != null && !wanted.equals(version)) {
            skipped.append(pgConfig).append(" points to PostgreSQL ").append(full).append(", not ").append(wanted).append("; ");
            return Optional.empty();
        }
        return Optional.of(new PgBinaries(dir, version, full, BinarySource.PG_CONFIG,
                "pg_config on PATH (" + pgConfig + ") reports bindir " + dir));
    }

    private Optional<PgBinaries> newestSystem(PgVersion wanted, StringBuilder skipped) {
        if (!Files.isDirectory(systemRoot)) {
            return Optional.empty();
        }
        List<Path> candidates;
        try (Stream<Path> dirs = Files.list(systemRoot)) {
            candidates = dirs.filter(d -> d.getFileName().toString().matches("\\d+"))
                    .filter(d -> serverProgramsProblem(d.resolve("bin")) == null)
                    .sorted(Comparator.comparingInt((Path d) -> Integer.parseInt(d.getFileName().toString())).reversed())
                    .toList();
        } catch (IOException e) {
            return Optional.empty();
        }
        for (Path d : candidates) {
            int major = Integer.parseInt(d.getFileName().toString());
            if (wanted != null && wanted.major() != major) {
                continue;
            }
            if (major < PgVersion.OLDEST_SUPPORTED || major > PgVersion.NEWEST_SUPPORTED) {
                skipped.append(d).append(" is PostgreSQL ").append(major).append(", which pgwarden does not support; ");
                continue;
            }
            Path bin = d.resolve("bin");
            String full = probeVersion(bin);
            return Optional.of(new PgBinaries(bin, new PgVersion(major), full, BinarySource.SYSTEM,
                    (skipped.length() == 0 ? "" : skipped.toString()) + "newest installation under " + systemRoot
                            + (wanted != null ? " matching PostgreSQL " + wanted : "")));
        }
        if (wanted != null && !candidates.isEmpty()) {
            skipped.append("no PostgreSQL ").append(wanted).append(" under ").append(systemRoot).append("; ");
        }
        return Optional.empty();
    }

    /** The skipped candidates, each followed by "; " as they are appended, without the last separator. */
    private static String withoutTrailingSeparator(StringBuilder skipped) {
        return skipped.toString().strip().replaceAll(";$", "");
    }

    /** Null when {@code dir} holds executable postgres, initdb and pg_ctl, else what is missing. */
    static String serverProgramsProblem(Path dir) {
        if (!Files.isDirectory(dir)) {
            return "no such directory";
        }
        List<String> missing = PgBinaries.SERVER_PROGRAMS.stream()
                .filter(p -> !Files.isExecutable(dir.resolve(p))).toList();
        return missing.isEmpty() ? null : "no executable " + String.join(", ", missing) + " there";
    }

    /** {@code 15.18} from {@code postgres --version}. */
    private String probeVersion(Path dir) {
        ProcessResult r = runner.run(List.of(dir.resolve("postgres").toString(), "--version"), PROBE_TIMEOUT);
        String out = r.stdout().strip();
        int idx = out.indexOf("PostgreSQL)");
        if (!r.ok() || idx < 0) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, dir.resolve("postgres") + " --version failed (exit "
                    + r.exitCode() + "): " + r.tail(3) + ". The binaries may be for another platform or damaged.");
        }
        String rest = out.substring(idx + "PostgreSQL)".length()).trim();
        String full = rest.split("\\s+")[0];
        try {
            PgVersion.parse(full);
        } catch (IllegalArgumentException e) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, dir + " holds " + out + ": " + e.getMessage(), e);
        }
        return full;
    }

    private Optional<Path> onPath(String program) {
        String path = env.get("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                Path candidate = Path.of(entry, program);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
