package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.config.Setting;
import io.pgwarden.core.ByteSize;
import io.pgwarden.core.PgVersion;
import io.pgwarden.tune.PlanFormat;
import io.pgwarden.tune.Profile;
import io.pgwarden.tune.ResourceDetector;
import io.pgwarden.tune.ResourceOverrides;
import io.pgwarden.tune.Resources;
import io.pgwarden.tune.StorageType;
import io.pgwarden.tune.Tuner;
import io.pgwarden.tune.TuningPlan;
import io.pgwarden.tune.Workload;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgwarden tune}: prints PostgreSQL settings computed from the memory and CPUs this server really has. */
@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Computes PostgreSQL settings from the resources it really has and prints them with a reason each.",
                "",
                "Memory, first found wins: --memory, POSTGRES_MEMORY (MB), cgroup v2 memory.max, cgroup v1 "
                        + "memory.limit_in_bytes (ignored when larger than physical memory), /proc/meminfo (with a warning). "
                        + "CPUs: --cpus, cgroup v2 cpu.max, cgroup v1 CFS quota, available processors. "
                        + "At least 512MB of memory is required.",
                "",
                "Examples:",
                "  pgwarden tune",
                "  pgwarden tune --memory 2GB --cpus 2 --format conf",
                "  POSTGRES_MEMORY=1536 POSTGRES_WORKLOAD_TYPE=dw pgwarden tune --format json",
                "  postgres -D \"$PGDATA\" $(pgwarden tune --format flags)",
                ""})
public final class TuneCommand extends AbstractCommand {
    static final String MEMORY_ENV = "POSTGRES_MEMORY";
    static final String WORKLOAD_ENV = "POSTGRES_WORKLOAD_TYPE";
    static final String STORAGE_ENV = "POSTGRES_STORAGE_TYPE";
    static final String PRELOAD_ENV = "POSTGRES_SHARED_PRELOAD_LIBRARIES";
    /** Until the binaries resolver is wired in, the newest supported major is what {@code up} would run. */
    static final int DEFAULT_PG_VERSION = PgVersion.NEWEST_SUPPORTED;

    @Option(names = "--memory", paramLabel = "SIZE",
            description = "Memory PostgreSQL may use, e.g. 1536MB or 2GB (a bare number is MB). Env: POSTGRES_MEMORY"
                    + " (whole MB, e.g. 2048). Default: detected.")
    String memory;

    @Option(names = "--cpus", paramLabel = "N",
            description = "CPUs PostgreSQL may use, e.g. 2 (fractions such as 1.5 are rounded up). Default: detected.")
    String cpus;

    @Option(names = "--workload", paramLabel = "web|oltp|dw|mixed",
            description = "What the database mostly serves. Env: POSTGRES_WORKLOAD_TYPE. Default: web.")
    String workload;

    @Option(names = "--storage", paramLabel = "ssd|hdd|san",
            description = "Disk under the data directory. Env: POSTGRES_STORAGE_TYPE. Default: ssd.")
    String storage;

    @Option(names = "--pg-version", paramLabel = "N",
            description = "PostgreSQL major version (13-18) the settings must be valid for. Default: "
                    + DEFAULT_PG_VERSION + ".")
    String pgVersion;

    @Option(names = "--shared-preload-libraries", paramLabel = "LIST",
            description = "Comma-separated libraries to preload, e.g. pg_stat_statements,auto_explain."
                    + " Env: POSTGRES_SHARED_PRELOAD_LIBRARIES. Default: none (not set).")
    String preloadLibraries;

    @Option(names = "--format", paramLabel = "conf|flags|json|table",
            description = "Output: conf (postgresql.conf with reasons as comments), flags (-c name=value per line),"
                    + " json (one object), table (default).")
    String format;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file with defaults (keys are flag names without dashes, e.g. 'memory: 2GB'). Env: PGWARDEN_CONFIG.")
    Path configFile;

    @Override
    protected int execute() {
        ConfigSources sources = sources(configFile);
        Problems problems = new Problems();
        ResourceOverrides overrides = memoryOverride(sources, problems);
        Optional<Setting> cpuSetting = sources.find("--cpus", cpus);
        if (cpuSetting.isPresent()) {
            Integer n = parse(problems, cpuSetting.get(), TuneCommand::parseCpus);
            overrides = n == null ? overrides : overrides.withCpus(n, cpuSetting.get().origin());
        }
        Workload w = sources.resolve(problems, Workload.WEB, Workload::parse, "--workload", workload, WORKLOAD_ENV);
        StorageType s = sources.resolve(problems, StorageType.SSD, StorageType::parse, "--storage", storage, STORAGE_ENV);
        PgVersion v = sources.resolve(problems, new PgVersion(DEFAULT_PG_VERSION), PgVersion::parse, "--pg-version", pgVersion);
        List<String> libraries = sources.resolve(problems, List.of(), Profile::parseLibraries,
                "--shared-preload-libraries", preloadLibraries, PRELOAD_ENV);
        PlanFormat f = sources.resolve(problems, PlanFormat.TABLE, PlanFormat::parse, "--format", format);
        problems.throwIfAny();

        Resources resources = ResourceDetector.machine().detect(overrides);
        TuningPlan plan = Tuner.plan(resources, new Profile(w, s, v, libraries));
        plan.warnings().forEach(warning -> err().println("warning: " + warning));
        err().flush();
        out().print(f.renderer().render(plan));
        out().flush();
        return 0;
    }

    /** --memory takes sizes (2GB); POSTGRES_MEMORY is whole megabytes, as the replaced entrypoint read it. */
    private ResourceOverrides memoryOverride(ConfigSources sources, Problems problems) {
        Optional<Setting> setting = sources.find("--memory", memory, MEMORY_ENV);
        if (setting.isEmpty()) {
            return ResourceOverrides.none();
        }
        Setting given = setting.get();
        Long mb = parse(problems, given, given.origin().equals(MEMORY_ENV)
                ? TuneCommand::parseMemoryEnvMb : TuneCommand::parseMemoryFlagMb);
        return mb == null ? ResourceOverrides.none() : ResourceOverrides.none().withMemory(mb, given.origin());
    }

    private static <T> T parse(Problems problems, Setting setting, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(setting.value().trim());
        } catch (IllegalArgumentException e) {
            problems.add(setting, e.getMessage());
            return null;
        }
    }

    static long parseMemoryEnvMb(String text) {
        if (!text.matches("\\d{1,9}")) {
            throw new IllegalArgumentException("expected a whole number of megabytes, e.g. 2048");
        }
        return Long.parseLong(text);
    }

    static long parseMemoryFlagMb(String text) {
        return ByteSize.parse(text, ByteSize.MB).toMb();
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
        return Math.max(1, n.setScale(0, RoundingMode.CEILING).intValueExact());
    }
}
