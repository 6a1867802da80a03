package io.pgwarden.tune;

import io.pgwarden.core.ByteSize;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.util.ArrayList;
import java.util.List;

/**
 * Computes PostgreSQL settings from resources and a profile. Pure: the same input always gives the
 * same plan, nothing is read from the machine (detection is {@link ResourceDetector}'s job).
 *
 * <pre>{@code
 * TuningPlan plan = Tuner.plan(resources, new Profile(Workload.WEB, StorageType.SSD, new PgVersion(18), List.of()));
 * plan.settings().forEach((name, value) -> conf.append(name).append(" = '").append(value).append("'\n"));
 * }</pre>
 */
public final class Tuner {
    /** Below this PostgreSQL with the connection counts users expect does not fit; refuse to tune. */
    public static final long MINIMUM_MEMORY_MB = 512;

    private Tuner() {
    }

    /**
     * The settings for {@code resources} and {@code profile}, in a stable order: connections, memory,
     * WAL and checkpoints, storage, planner, parallelism, version-specific, libraries.
     *
     * @throws PgWardenException INVALID_INPUT when the memory is below {@value #MINIMUM_MEMORY_MB} MB,
     *                           naming the amount and where it was found
     */
    public static TuningPlan plan(Resources resources, Profile profile) {
        requireMinimumMemory(resources);
        List<TunedSetting> out = new ArrayList<>();
        int connections = ConnectionRules.maxConnections(profile.workload(), resources.memoryMb());
        out.add(ConnectionRules.setting(profile.workload(), resources.memoryMb(), connections));
        MemoryRules.add(out, resources, profile, connections);
        addWal(out, profile.workload());
        addStorage(out, profile.storage());
        addPlanner(out, profile.workload());
        ParallelRules.add(out, resources.cpus(), profile);
        if (!profile.preloadLibraries().isEmpty()) {
            out.add(new TunedSetting("shared_preload_libraries", String.join(",", profile.preloadLibraries()),
                    "requested through POSTGRES_SHARED_PRELOAD_LIBRARIES / --shared-preload-libraries"));
        }
        return new TuningPlan(resources, profile, out, resources.warnings());
    }

    private static void requireMinimumMemory(Resources r) {
        if (r.memoryMb() < MINIMUM_MEMORY_MB) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "Memory " + ByteSize.ofMb(r.memoryMb()).toHuman()
                    + " (from " + r.memorySource() + ") is below the " + MINIMUM_MEMORY_MB + " MB minimum pgwarden tunes"
                    + " PostgreSQL for; give the container at least " + MINIMUM_MEMORY_MB + "MB of memory or set --memory"
                    + " / POSTGRES_MEMORY to what PostgreSQL may really use.");
        }
    }

    private static void addWal(List<TunedSetting> out, Workload workload) {
        // Sizes as PGTune uses them: larger for write-heavy and bulk-loading workloads.
        String min = switch (workload) {
            case OLTP -> "2GB";
            case DW -> "4GB";
            default -> "1GB";
        };
        String max = switch (workload) {
            case OLTP -> "8GB";
            case DW -> "16GB";
            default -> "4GB";
        };
        out.add(new TunedSetting("min_wal_size", min,
                "WAL kept for reuse so bursts of writes do not create new segment files (" + workload.id() + ")"));
        out.add(new TunedSetting("max_wal_size", max,
                "checkpoints are triggered by time rather than WAL volume under normal " + workload.id() + " load"));
        out.add(new TunedSetting("checkpoint_completion_target", "0.9",
                "spreads checkpoint writes over 90% of the interval to avoid I/O spikes (default since PostgreSQL 14)"));
    }

    private static void addStorage(List<TunedSetting> out, StorageType storage) {
        String io = Integer.toString(storage.effectiveIoConcurrency());
        out.add(new TunedSetting("random_page_cost", storage.randomPageCost(), switch (storage) {
            case HDD -> "spinning disks: a random read costs about four sequential reads";
            case SSD -> "SSD: random reads cost almost what sequential reads do, so index scans are preferred";
            case SAN -> "SAN: random access is fast, so index scans are preferred";
        }));
        out.add(new TunedSetting("effective_io_concurrency", io, switch (storage) {
            case HDD -> "few concurrent reads help a spinning disk";
            case SSD -> "SSDs serve many concurrent reads; prefetch deeply for bitmap heap scans";
            case SAN -> "the SAN schedules I/O itself; deep prefetching from the host does not help";
        }));
        out.add(new TunedSetting("maintenance_io_concurrency", io,
                "same prefetch depth as effective_io_concurrency for VACUUM and index builds on " + storage.id()));
    }

    private static void addPlanner(List<TunedSetting> out, Workload workload) {
        boolean analytic = workload == Workload.DW;
        out.add(new TunedSetting("default_statistics_target", analytic ? "500" : "100", analytic
                ? "data warehouse: finer statistics give better plans for large, skewed tables"
                : "the PostgreSQL default; enough for short " + workload.id() + " queries"));
        boolean shortQueries = workload == Workload.WEB || workload == Workload.OLTP;
        out.add(new TunedSetting("jit", shortQueries ? "off" : "on", shortQueries
                ? "JIT compilation costs more than it saves on short " + workload.id() + " queries"
                : "JIT speeds up long-running " + workload.id() + " queries"));
    }
}
