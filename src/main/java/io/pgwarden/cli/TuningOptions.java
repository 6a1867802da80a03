package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.config.Setting;
import io.pgwarden.core.ByteSize;
import io.pgwarden.core.PgVersion;
import io.pgwarden.tune.Profile;
import io.pgwarden.tune.ResourceOverrides;
import io.pgwarden.tune.StorageType;
import io.pgwarden.tune.Workload;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The tuning inputs shared by {@code tune}, {@code up} and {@code run}: {@code --memory}/POSTGRES_MEMORY,
 * {@code --cpus}, {@code --workload}/POSTGRES_WORKLOAD_TYPE, {@code --storage}/POSTGRES_STORAGE_TYPE,
 * {@code --shared-preload-libraries}/POSTGRES_SHARED_PRELOAD_LIBRARIES. Use as a picocli {@code @Mixin}
 * and call {@link #resolve} once, before anything starts.
 */
public final class TuningOptions {
    static final String MEMORY_ENV = "POSTGRES_MEMORY";
    static final String WORKLOAD_ENV = "POSTGRES_WORKLOAD_TYPE";
    static final String STORAGE_ENV = "POSTGRES_STORAGE_TYPE";
    static final String PRELOAD_ENV = "POSTGRES_SHARED_PRELOAD_LIBRARIES";
    /**
     * The libraries an image ships (the pgwarden image sets it from deploy/image/extensions.yaml): when set, a
     * library to preload that is not in it is an error naming it, before PostgreSQL would fail to start with
     * "could not access file". Unset (outside the image), any name is passed on.
     */
    static final String AVAILABLE_ENV = "PGWARDEN_AVAILABLE_LIBRARIES";

    @Option(names = "--memory", paramLabel = "SIZE",
            description = "Memory PostgreSQL may use, e.g. 1536MB or 2GB (a bare number is MB). Env: POSTGRES_MEMORY"
                    + " (the same forms: 2048 is MB, as the replaced entrypoint read it). Default: detected (cgroup"
                    + " limit, else /proc/meminfo).")
    String memory;

    @Option(names = "--cpus", paramLabel = "N",
            description = "CPUs PostgreSQL may use, e.g. 2 (fractions such as 1.5 are rounded up). Default: detected"
                    + " (cgroup quota, else available processors).")
    String cpus;

    @Option(names = "--workload", paramLabel = "web|oltp|dw|mixed",
            description = "What the database mostly serves. Env: POSTGRES_WORKLOAD_TYPE. Default: web.")
    String workload;

    @Option(names = "--storage", paramLabel = "ssd|hdd|san",
            description = "Disk under the data directory. Env: POSTGRES_STORAGE_TYPE. Default: ssd.")
    String storage;

    @Option(names = "--shared-preload-libraries", paramLabel = "LIST",
            description = "Comma-separated libraries to preload, e.g. pg_stat_statements,auto_explain."
                    + " Env: POSTGRES_SHARED_PRELOAD_LIBRARIES. Default: none (not set).")
    String preloadLibraries;

    /** Validated tuning inputs; resources not given are left to {@link io.pgwarden.tune.ResourceDetector}. */
    public record Inputs(ResourceOverrides overrides, Workload workload, StorageType storage, List<String> preloadLibraries) {
        public Profile profile(PgVersion version) {
            return new Profile(workload, storage, version, preloadLibraries);
        }
    }

    /** Resolves flag &gt; env &gt; file &gt; default; every invalid value is added to {@code problems}. */
    public Inputs resolve(ConfigSources sources, Problems problems) {
        ResourceOverrides overrides = ResourceOverrides.none();
        Optional<Setting> memorySetting = sources.find("--memory", memory, MEMORY_ENV);
        if (memorySetting.isPresent()) {
            Setting given = memorySetting.get();
            // a bare number is megabytes, as the replaced entrypoint read POSTGRES_MEMORY; both also take units
            Long mb = parse(problems, given, TuningOptions::parseMemoryMb);
            overrides = mb == null ? overrides : overrides.withMemory(mb, given.origin());
        }
        Optional<Setting> cpuSetting = sources.find("--cpus", cpus);
        if (cpuSetting.isPresent()) {
            Integer n = parse(problems, cpuSetting.get(), TuningOptions::parseCpus);
            overrides = n == null ? overrides : overrides.withCpus(n, cpuSetting.get().origin());
        }
        Workload w = sources.resolve(problems, Workload.WEB, Workload::parse, "--workload", workload, WORKLOAD_ENV);
        StorageType s = sources.resolve(problems, StorageType.SSD, StorageType::parse, "--storage", storage, STORAGE_ENV);
        List<String> libraries = sources.resolve(problems, List.of(), Profile::parseLibraries,
                "--shared-preload-libraries", preloadLibraries, PRELOAD_ENV);
        String available = sources.env(AVAILABLE_ENV);
        if (available != null && !available.isBlank() && !libraries.isEmpty()) {
            List<String> known = java.util.Arrays.stream(available.split(",")).map(String::trim).toList();
            List<String> missing = libraries.stream().filter(l -> !known.contains(l)).toList();
            if (!missing.isEmpty()) {
                problems.add(sources.find("--shared-preload-libraries", preloadLibraries, PRELOAD_ENV).orElseThrow(),
                        String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " not in this image;"
                                + " available (" + AVAILABLE_ENV + "): " + String.join(",", known));
            }
        }
        return new Inputs(overrides, w, s, libraries);
    }

    private static <T> T parse(Problems problems, Setting setting, Function<String, T> parser) {
        try {
            return parser.apply(setting.value().trim());
        } catch (IllegalArgumentException e) {
            problems.add(setting, e.getMessage());
            return null;
        }
    }

    static long parseMemoryMb(String text) {
        try {
            return ByteSize.parse(text, ByteSize.MB).toMb();
        } catch (IllegalArgumentException e) {
            if (text.matches("\\d+(\\.\\d+)?\\s*[A-Za-z]+")) {
                throw e; // a number with a unit pgwarden does not know: ByteSize names the unit and the known ones
            }
            throw new IllegalArgumentException("expected megabytes (e.g. 2048) or a size with a unit (e.g. 1536MB, 2GB)");
        }
    }

    static int parseCpus(String text) {
        BigDecimal n;
        try {
            n = new BigDecimal(text);
        } catch (NumberFormatException e) {
            n = BigDecimal.ZERO;
        }
        if (n.signum() <= 0 || n.compareTo(BigDecimal.valueOf(4096)) > 0) {
            throw new IllegalArgumentException("expected a number of CPUs between 1 and 4096, e.g. 2 (1.5 is rounded up)");
        }
        return n.setScale(0, RoundingMode.CEILING).intValueExact();
    }
}
