package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.core.PgVersion;
import io.pgwarden.pg.BinariesRequest;
import io.pgwarden.pg.BinariesResolver;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.tune.PlanFormat;
import io.pgwarden.tune.ResourceDetector;
import io.pgwarden.tune.Resources;
import io.pgwarden.tune.Tuner;
import io.pgwarden.tune.TuningPlan;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private static final Logger log = LoggerFactory.getLogger(TuneCommand.class);

    @Mixin
    TuningOptions tuning;

    @Option(names = "--pg-version", paramLabel = "N",
            description = "PostgreSQL major version (13-18) the settings must be valid for. Default: the major of the"
                    + " PostgreSQL 'up' would run (PG_BINDIR, pg_config on PATH, newest /usr/lib/postgresql/N/bin),"
                    + " else " + BinariesResolver.DEFAULT_MAJOR + " (the embedded binaries).")
    String pgVersion;

    @Option(names = "--format", paramLabel = "conf|flags|json|table",
            description = "Output: conf (postgresql.conf with reasons as comments), flags (-c name=value per line),"
                    + " json (one object), table (default).")
    String format;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file with defaults (keys are flag names without dashes, e.g. 'memory: 2GB'). Env: PGWARDEN_CONFIG.")
    Path configFile;

    private final ResourceDetector detector;

    public TuneCommand() {
        this(ResourceDetector.machine());
    }

    /** With another detector, e.g. one reading a fake /sys/fs/cgroup tree in tests. */
    TuneCommand(ResourceDetector detector) {
        this.detector = detector;
    }

    @Override
    protected int execute() {
        ConfigSources sources = sources(configFile);
        Problems problems = new Problems();
        TuningOptions.Inputs inputs = tuning.resolve(sources, problems);
        PgVersion version = sources.resolve(problems, null, PgVersion::parse, "--pg-version", pgVersion);
        PlanFormat f = sources.resolve(problems, PlanFormat.TABLE, PlanFormat::parse, "--format", format);
        problems.throwIfAny();
        if (version == null) {
            version = versionUpWouldRun();
        }

        Resources resources = detector.detect(inputs.overrides());
        TuningPlan plan = Tuner.plan(resources, inputs.profile(version));
        plan.warnings().forEach(this::warn);
        err().flush();
        out().print(f.renderer().render(plan));
        out().flush();
        return 0;
    }

    /** The major {@code up} would run: the installed server the binaries resolver finds, else the embedded default. */
    private PgVersion versionUpWouldRun() {
        Optional<PgBinaries> installed = BinariesResolver.defaults(env(), System.err).findInstalled(BinariesRequest.any());
        if (installed.isPresent()) {
            log.info("tuning for {}; choose another major with --pg-version", installed.get().describe());
            return installed.get().version();
        }
        log.info("tuning for PostgreSQL {}, the embedded binaries 'up' would use; choose another major with --pg-version",
                BinariesResolver.DEFAULT_MAJOR);
        return new PgVersion(BinariesResolver.DEFAULT_MAJOR);
    }
}
