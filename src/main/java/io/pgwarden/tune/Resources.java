package io.pgwarden.tune;

import java.util.List;
import java.util.Objects;

/**
 * The memory and CPUs PostgreSQL may use, each with the source it was found in, as the user should
 * read it ({@code POSTGRES_MEMORY}, {@code cgroup v2 /sys/fs/cgroup/memory.max}, ...). {@code warnings}
 * are things the user should know about the detection, e.g. that /proc/meminfo may show the host's
 * memory rather than the container's.
 */
public record Resources(long memoryMb, String memorySource, int cpus, String cpuSource, List<String> warnings) {
    public Resources {
        Objects.requireNonNull(memorySource, "memorySource");
        Objects.requireNonNull(cpuSource, "cpuSource");
        if (memoryMb < 0) {
            throw new IllegalArgumentException("memoryMb cannot be negative: " + memoryMb);
        }
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be at least 1: " + cpus);
        }
        warnings = List.copyOf(warnings);
    }

    /** Resources a caller states itself (no detection, no warnings), e.g. for tests or an explicit request. */
    public static Resources given(long memoryMb, int cpus) {
        return new Resources(memoryMb, "given", cpus, "given", List.of());
    }
}
