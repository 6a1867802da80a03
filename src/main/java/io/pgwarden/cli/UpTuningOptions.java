package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.config.Setting;
import io.pgwarden.core.PgVersion;
import io.pgwarden.tune.Profile;
import io.pgwarden.tune.ResourceDetector;
import io.pgwarden.tune.ResourceOverrides;
import io.pgwarden.tune.Resources;
import io.pgwarden.tune.StorageType;
import io.pgwarden.tune.Tuner;
import io.pgwarden.tune.TuningPlan;
import io.pgwarden.tune.Workload;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The tuning options of {@code up} (the same flags and environment variables as {@code pgwarden tune}).
 * {@link #resolve} validates them and detects resources before anything is written; the plan itself
 * is made once the major of the binaries is known.
 */
public final class UpTuningOptions {
    @Option(names = "--memory", paramLabel = "SIZE",
            description = "Memory PostgreSQL may use, e.g. 1536MB or 2GB. Env: POSTGRES_MEMORY (whole MB). Default: detected.")
    String memory;

    @Option(names = "--cpus", paramLabel = "N", description = "CPUs PostgreSQL may use, e.g. 2. Default: detected.")
    String cpus;

    @Option(names = "--workload", paramLabel = "web|oltp|dw|mixed",
            description = "What the database mostly serves. Env: POSTGRES_WORKLOAD_TYPE. Default: web.")
    String workload;

    @Option(names = "--storage", paramLabel = "ssd|hdd|san",
            description = "Disk under the data directory. Env: POSTGRES_STORAGE_TYPE. Default: ssd.")
    String storage;

    @Option(names = "--shared-preload-libraries", paramLabel = "LIST",
            description = "Libraries to preload, e.g. pg_stat_statements. Env: POSTGRES_SHARED_PRELOAD_LIBRARIES.")
    String preloadLibraries;

    /** Validates the options (into {@code problems}) and returns the tuning to apply, or null after problems. */
    UpTuning resolve(ConfigSources sources, Problems problems, PrintWriter warnings) {
        ResourceOverrides overrides = ResourceOverrides.none();
        Optional<Setting> mem = sources.find("--memory", memory, TuneCommand.MEMORY_ENV);
        if (mem.isPresent()) {
            Long mb = parse(problems, mem.get(), mem.get().origin().equals(TuneCommand.MEMORY_ENV)
                    ? TuneCommand::parseMemoryEnvMb : TuneCommand::parseMemoryFlagMb);
            overrides = mb == null ? overrides : overrides.withMemory(mb, mem.get().origin());
        }
        Optional<Setting> cpu = sources.find("--cpus", cpus);
        if (cpu.isPresent()) {
            Integer n = parse(problems, cpu.get(), TuneCommand::parseCpus);
            overrides = n == null ? overrides : overrides.withCpus(n, cpu.get().origin());
        }
        Workload w = sources.resolve(problems, Workload.WEB, Workload::parse, "--workload", workload, TuneCommand.WORKLOAD_ENV);
        StorageType s = sources.resolve(problems, StorageType.SSD, StorageType::parse, "--storage", storage,
                TuneCommand.STORAGE_ENV);
        List<String> libraries = sources.resolve(problems, List.of(), Profile::parseLibraries,
                "--shared-preload-libraries", preloadLibraries, TuneCommand.PRELOAD_ENV);
        if (!problems.isEmpty()) {
            return null;
        }
        Resources resources = ResourceDetector.machine().detect(overrides);
        // plan once now so that too little memory is reported before anything is written
        Tuner.plan(resources, new Profile(w, s, new PgVersion(PgVersion.NEWEST_SUPPORTED), libraries));
        return major -> {
            TuningPlan plan = Tuner.plan(resources, new Profile(w, s, major, libraries));
            plan.warnings().forEach(warning -> warnings.println("warning: " + warning));
            warnings.flush();
            Map<String, String> settings = plan.settings();
            return settings;
        };
    }

    private static <T> T parse(Problems problems, Setting setting, Function<String, T> parser) {
        try {
            return parser.apply(setting.value().trim());
        } catch (IllegalArgumentException e) {
            problems.add(setting, e.getMessage());
            return null;
        }
    }
}
