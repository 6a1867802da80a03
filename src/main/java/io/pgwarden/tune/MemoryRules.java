package io.pgwarden.tune;

import io.pgwarden.core.ByteSize;
import java.util.List;

/** Memory settings: shared_buffers, effective_cache_size, maintenance_work_mem, work_mem, wal_buffers. */
final class MemoryRules {
    /** Beyond this more shared buffers stop paying off; the OS page cache does the rest. */
    static final long SHARED_BUFFERS_CAP_MB = 32 * 1024;
    /** The replaced entrypoint's cap: per-sort memory multiplied by many connections must stay bounded. */
    static final long WORK_MEM_CAP_KB = 32 * 1024;
    /** Below 1MB sorts spill to disk for almost every query. */
    static final long WORK_MEM_FLOOR_KB = 1024;
    /** VACUUM cannot use much more than this effectively on older versions; more risks memory pressure. */
    static final long MAINTENANCE_CAP_MB = 2 * 1024;
    /** One WAL segment: wal_buffers larger than this do not help (PostgreSQL's own cap for -1). */
    static final long WAL_BUFFERS_CAP_KB = 16 * 1024;

    private MemoryRules() {
    }

    static long sharedBuffersMb(long memoryMb) {
        return Math.min(memoryMb / 4, SHARED_BUFFERS_CAP_MB);
    }

    static void add(List<TunedSetting> out, Resources r, Profile p, int connections) {
        long mem = r.memoryMb();
        long shared = sharedBuffersMb(mem);
        out.add(new TunedSetting("shared_buffers", mb(shared), shared == SHARED_BUFFERS_CAP_MB
                ? "25% of memory, capped at 32GB" : "25% of " + mb(mem) + " memory"));
        out.add(new TunedSetting("effective_cache_size", mb(mem * 3 / 4),
                "75% of memory: shared buffers plus the OS page cache the planner may count on"));
        int divisor = p.workload() == Workload.DW ? 8 : 16;
        long maintenance = Math.min(mem / divisor, MAINTENANCE_CAP_MB);
        out.add(new TunedSetting("maintenance_work_mem", mb(maintenance),
                "1/" + divisor + " of memory for VACUUM and index builds, at most 2GB"));
        int perGather = Math.max(1, ParallelRules.workersPerGather(p.workload(), r.cpus()));
        long workKb = (mem - shared) * 1024 / (connections * 3L) / perGather;
        workKb = Math.max(WORK_MEM_FLOOR_KB, Math.min(WORK_MEM_CAP_KB, workKb));
        out.add(new TunedSetting("work_mem", kb(workKb), "memory left after shared_buffers shared by "
                + connections + " connections x 3 sorts x " + perGather + " parallel worker(s), between 1MB and 32MB"));
        long walKb = Math.min(WAL_BUFFERS_CAP_KB, Math.max(64, shared * 1024 / 32));
        out.add(new TunedSetting("wal_buffers", kb(walKb / 8 * 8),
                "shared_buffers/32 capped at one 16MB WAL segment, PostgreSQL's own rule for -1, written out"));
    }

    private static String mb(long mb) {
        return ByteSize.ofMb(mb).toPgString();
    }

    private static String kb(long kb) {
        return ByteSize.ofKb(kb).toPgString();
    }
}
