package io.pgwarden.tune;

import java.util.Optional;

/**
 * Resources the user stated (flags or environment variables), each with the name of the input it came
 * from for messages; what is not stated is detected.
 */
public record ResourceOverrides(Long memoryMb, String memorySource, Integer cpus, String cpuSource) {
    public static ResourceOverrides none() {
        return new ResourceOverrides(null, null, null, null);
    }

    public ResourceOverrides withMemory(long mb, String source) {
        return new ResourceOverrides(mb, source, cpus, cpuSource);
    }

    public ResourceOverrides withCpus(int count, String source) {
        return new ResourceOverrides(memoryMb, memorySource, count, source);
    }

    public Optional<Long> memory() {
        return Optional.ofNullable(memoryMb);
    }

    public Optional<Integer> cpuCount() {
        return Optional.ofNullable(cpus);
    }
}
