package io.pgwarden.tune;

import java.util.List;

/** Background and parallel workers from the CPU count, and PostgreSQL 18's I/O workers. */
final class ParallelRules {
    /** PostgreSQL's default max_worker_processes; extensions and logical replication need slots too. */
    static final int MIN_WORKER_PROCESSES = 8;
    /** PostgreSQL 18's io_workers default and upper bound. */
    static final int MIN_IO_WORKERS = 3;
    static final int MAX_IO_WORKERS = 32;

    private ParallelRules() {
    }

    /** Workers one query may use: none on 1 CPU; short-query workloads use few, analytics more. */
    static int workersPerGather(Workload workload, int cpus) {
        if (cpus < 2) {
            return 0;
        }
        int half = (cpus + 1) / 2;
        return switch (workload) {
            case WEB, OLTP -> Math.min(half, 2);
            case MIXED -> Math.min(half, 4);
            case DW -> Math.min(half, 8);
        };
    }

    static void add(List<TunedSetting> out, int cpus, Profile p) {
        out.add(new TunedSetting("max_worker_processes", Integer.toString(Math.max(MIN_WORKER_PROCESSES, cpus)),
                "one background worker per CPU, at least PostgreSQL's default 8"));
        out.add(new TunedSetting("max_parallel_workers", Integer.toString(cpus),
                "parallel query may use every one of the " + cpus + " CPU(s), no more"));
        int perGather = workersPerGather(p.workload(), cpus);
        out.add(new TunedSetting("max_parallel_workers_per_gather", Integer.toString(perGather), cpus < 2
                ? "a single CPU gains nothing from parallel query"
                : "half the CPUs, at most " + switch (p.workload()) {
                    case WEB, OLTP -> "2 so concurrent short " + p.workload().id() + " queries do not starve";
                    case MIXED -> "4 for mixed load";
                    case DW -> "8 for large analytical queries";
                }));
        out.add(new TunedSetting("max_parallel_maintenance_workers", Integer.toString(Math.min(cpus / 2, 4)),
                "half the CPUs, at most 4, for parallel index builds and VACUUM"));
        if (p.pgVersion().atLeast(18)) {
            int io = Math.min(MAX_IO_WORKERS, Math.max(MIN_IO_WORKERS, (cpus + 3) / 4));
            out.add(new TunedSetting("io_workers", Integer.toString(io),
                    "PostgreSQL 18 asynchronous I/O (io_method=worker): one I/O worker per 4 CPUs, between 3 and 32"));
        }
    }
}
