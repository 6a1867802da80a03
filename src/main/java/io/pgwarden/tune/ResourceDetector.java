package io.pgwarden.tune;

import io.pgwarden.core.ByteSize;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the memory and CPUs PostgreSQL may really use. Memory, first found wins: the user's override,
 * cgroup v2 {@code memory.max}, cgroup v1 {@code memory.limit_in_bytes} (limits larger than the
 * physical memory are "unlimited" sentinels and ignored), {@code /proc/meminfo} MemTotal (with a
 * warning: without a limit a container sees the host's memory). CPUs: the override, cgroup v2
 * {@code cpu.max}, cgroup v1 CFS quota, the processors the JVM sees. Quotas are rounded up to whole
 * CPUs, at least 1. Files are read through {@link SystemFiles}, so tests give it a fake tree.
 */
public final class ResourceDetector {
    private final SystemFiles files;
    private final CgroupPaths cgroups;
    private final int availableProcessors;

    public ResourceDetector(SystemFiles files, int availableProcessors) {
        this.files = files;
        this.cgroups = new CgroupPaths(files);
        this.availableProcessors = availableProcessors;
    }

    /** A detector reading this machine's files and the JVM's processor count. */
    public static ResourceDetector machine() {
        return new ResourceDetector(SystemFiles.machine(), Runtime.getRuntime().availableProcessors());
    }

    /**
     * @throws PgWardenException ENVIRONMENT when memory is neither given nor detectable
     */
    public Resources detect(ResourceOverrides overrides) {
        List<String> warnings = new ArrayList<>();
        Found memory = overrides.memory()
                .map(mb -> new Found(mb, overrides.memorySource()))
                .orElseGet(() -> detectMemoryMb(warnings));
        Found cpus = overrides.cpuCount()
                .map(n -> new Found(n, overrides.cpuSource()))
                .orElseGet(this::detectCpus);
        return new Resources(memory.value(), memory.source(), (int) cpus.value(), cpus.source(), warnings);
    }

    private Found detectMemoryMb(List<String> warnings) {
        Optional<Long> physical = physicalBytes();
        long ceiling = physical.orElse(Long.MAX_VALUE);
        if (cgroups.v2()) {
            Optional<Found> v2 = smallest(cgroups.v2Directories(), "memory.max", "cgroup v2 ");
            if (v2.isPresent() && v2.get().value() <= ceiling) {
                return toMb(v2.get());
            }
        }
        Optional<Found> v1 = smallest(cgroups.v1Directories("/sys/fs/cgroup/memory", "memory"),
                "memory.limit_in_bytes", "cgroup v1 ");
        if (v1.isPresent() && v1.get().value() <= ceiling) {
            return toMb(v1.get());
        }
        if (physical.isPresent()) {
            warnings.add("Memory was taken from /proc/meminfo (" + new ByteSize(physical.get()).toHuman()
                    + "); without a cgroup memory limit this may be the host's memory, not this container's."
                    + " Set --memory or POSTGRES_MEMORY to what PostgreSQL may use.");
            return toMb(new Found(physical.get(), "/proc/meminfo MemTotal"));
        }
        throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot detect the memory available to PostgreSQL: no cgroup"
                + " memory limit and no readable /proc/meminfo. Set --memory (e.g. 2GB) or POSTGRES_MEMORY (MB, e.g. 2048).");
    }

    private Found detectCpus() {
        if (cgroups.v2()) {
            Optional<Found> v2 = smallestQuota(cgroups.v2Directories());
            if (v2.isPresent()) {
                return v2.get();
            }
        }
        for (String mount : List.of("/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct")) {
            Optional<Found> v1 = smallestCfsQuota(cgroups.v1Directories(mount, "cpu"));
            if (v1.isPresent()) {
                return v1.get();
            }
        }
        return new Found(Math.max(1, availableProcessors), "available processors");
    }

    /** The smallest numeric limit in {@code file} over the directories; "max" and garbage mean no limit. */
    private Optional<Found> smallest(List<String> dirs, String file, String label) {
        Found best = null;
        for (String dir : dirs) {
            String path = dir + "/" + file;
            Optional<Long> v = files.read(path).flatMap(ResourceDetector::parseLong);
            if (v.isPresent() && (best == null || v.get() < best.value())) {
                best = new Found(v.get(), label + path);
            }
        }
        return Optional.ofNullable(best);
    }

    /** cpu.max is {@code "<quota|max> <period>"}; the smallest quota/period over the hierarchy. */
    private Optional<Found> smallestQuota(List<String> dirs) {
        Found best = null;
        for (String dir : dirs) {
            String path = dir + "/cpu.max";
            Optional<String> content = files.read(path);
            if (content.isEmpty()) {
                continue;
            }
            String[] parts = content.get().split("\\s+");
            Optional<Long> quota = parseLong(parts[0]);
            Optional<Long> period = parts.length > 1 ? parseLong(parts[1]) : Optional.of(100_000L);
            if (quota.isPresent() && period.isPresent()) {
                Found f = new Found(cpus(quota.get(), period.get()), "cgroup v2 " + path + " (" + content.get() + ")");
                best = best == null || f.value() < best.value() ? f : best;
            }
        }
        return Optional.ofNullable(best);
    }

    /** v1: cpu.cfs_quota_us (-1 = no limit) over cpu.cfs_period_us. */
    private Optional<Found> smallestCfsQuota(List<String> dirs) {
        Found best = null;
        for (String dir : dirs) {
            Optional<Long> quota = files.read(dir + "/cpu.cfs_quota_us").flatMap(ResourceDetector::parseLong);
            Optional<Long> period = files.read(dir + "/cpu.cfs_period_us").flatMap(ResourceDetector::parseLong);
            if (quota.isPresent() && quota.get() > 0 && period.isPresent()) {
                Found f = new Found(cpus(quota.get(), period.get()), "cgroup v1 " + dir + "/cpu.cfs_quota_us ("
                        + quota.get() + " per " + period.get() + " period)");
                best = best == null || f.value() < best.value() ? f : best;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Whole CPUs a quota allows: rounded up (1.5 CPUs can keep 2 processes busy part time), at least 1. */
    private static long cpus(long quota, long period) {
        if (period <= 0) {
            return 1;
        }
        return Math.max(1, (quota + period - 1) / period);
    }

    private Optional<Long> physicalBytes() {
        for (String line : files.read("/proc/meminfo").orElse("").split("\n")) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring("MemTotal:".length()).trim().split("\\s+");
                return parseLong(parts[0]).map(kb -> kb * ByteSize.KB);
            }
        }
        return Optional.empty();
    }

    private static Optional<Long> parseLong(String text) {
        try {
            return Optional.of(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Found toMb(Found bytes) {
        return new Found(bytes.value() / ByteSize.MB, bytes.source());
    }

    private record Found(long value, String source) {
    }
}
