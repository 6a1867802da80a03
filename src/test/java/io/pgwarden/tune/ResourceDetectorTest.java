package io.pgwarden.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detection on fake /sys/fs/cgroup and /proc trees built in a temporary directory. */
class ResourceDetectorTest {
    private static final String MEMINFO_16GB = "MemTotal:       16777216 kB\nMemFree:         1234 kB\n";
    /** What cgroup v1 reports for "no limit" on 64-bit kernels. */
    private static final String V1_UNLIMITED = "9223372036854771712";

    @TempDir
    Path root;

    private void write(String path, String content) throws IOException {
        Path p = root.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, content + "\n");
    }

    private Resources detect() {
        return new ResourceDetector(new SystemFiles(root), 8).detect(ResourceOverrides.none());
    }

    private void cgroupV2() throws IOException {
        write("/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids");
        write("/proc/self/cgroup", "0::/");
    }

    @Test
    void cgroupV2MemoryMaxIsUsed() throws IOException {
        cgroupV2();
        write("/proc/meminfo", MEMINFO_16GB);
        write("/sys/fs/cgroup/memory.max", "2147483648");
        Resources r = detect();
        assertThat(r.memoryMb()).isEqualTo(2048);
        assertThat(r.memorySource()).isEqualTo("cgroup v2 /sys/fs/cgroup/memory.max");
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void aContainerLimitBelow512MbIsRefusedNamingTheCgroupFile() throws IOException {
        cgroupV2();
        write("/proc/meminfo", MEMINFO_16GB);
        write("/sys/fs/cgroup/memory.max", Long.toString(256L << 20));
        Resources r = detect();
        assertThatThrownBy(() -> Tuner.plan(r, Profile.defaults(new io.pgwarden.core.PgVersion(18))))
                .hasMessageStartingWith("Memory 256 MB (from cgroup v2 /sys/fs/cgroup/memory.max) is below the 512 MB minimum");
    }

    @Test
    void cgroupV2SmallestLimitOnThePathWins() throws IOException {
        write("/sys/fs/cgroup/cgroup.controllers", "memory");
        write("/proc/self/cgroup", "0::/kubepods/pod1/ctr\n");
        write("/proc/meminfo", MEMINFO_16GB);
        write("/sys/fs/cgroup/kubepods/pod1/ctr/memory.max", "max");
        write("/sys/fs/cgroup/kubepods/pod1/memory.max", "1073741824");
        write("/sys/fs/cgroup/kubepods/memory.max", "4294967296");
        Resources r = detect();
        assertThat(r.memoryMb()).isEqualTo(1024);
        assertThat(r.memorySource()).isEqualTo("cgroup v2 /sys/fs/cgroup/kubepods/pod1/memory.max");
    }

    @Test
    void cgroupV2MaxFallsBackToMeminfoWithAWarning() throws IOException {
        cgroupV2();
        write("/sys/fs/cgroup/memory.max", "max");
        write("/proc/meminfo", MEMINFO_16GB);
        Resources r = detect();
        assertThat(r.memoryMb()).isEqualTo(16384);
        assertThat(r.memorySource()).isEqualTo("/proc/meminfo MemTotal");
        assertThat(r.warnings()).containsExactly("Memory was taken from /proc/meminfo (16 GB); without a cgroup memory"
                + " limit this may be the host's memory, not this container's. Set --memory or POSTGRES_MEMORY to what"
                + " PostgreSQL may use.");
    }

    @Test
    void cgroupV1LimitIsUsed() throws IOException {
        write("/proc/meminfo", MEMINFO_16GB);
        write("/proc/self/cgroup", "5:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n");
        write("/sys/fs/cgroup/memory/memory.limit_in_bytes", "3221225472");
        Resources r = detect();
        assertThat(r.memoryMb()).isEqualTo(3072);
        assertThat(r.memorySource()).isEqualTo("cgroup v1 /sys/fs/cgroup/memory/memory.limit_in_bytes");
    }

    @Test
    void cgroupV1SentinelLargerThanPhysicalMemoryIsIgnored() throws IOException {
        write("/proc/meminfo", MEMINFO_16GB);
        write("/sys/fs/cgroup/memory/memory.limit_in_bytes", V1_UNLIMITED);
        Resources r = detect();
        assertThat(r.memoryMb()).isEqualTo(16384);
        assertThat(r.memorySource()).isEqualTo("/proc/meminfo MemTotal");
        assertThat(r.warnings()).hasSize(1);
    }

    @Test
    void limitAboveThePhysicalMemoryIsIgnoredForV2Too() throws IOException {
        cgroupV2();
        write("/proc/meminfo", MEMINFO_16GB);
        write("/sys/fs/cgroup/memory.max", Long.toString(64L << 30));
        assertThat(detect().memorySource()).isEqualTo("/proc/meminfo MemTotal");
    }

    @Test
    void overridesWinOverEverything() throws IOException {
        cgroupV2();
        write("/sys/fs/cgroup/memory.max", "2147483648");
        write("/sys/fs/cgroup/cpu.max", "150000 100000");
        Resources r = new ResourceDetector(new SystemFiles(root), 8)
                .detect(ResourceOverrides.none().withMemory(1536, "--memory").withCpus(3, "--cpus"));
        assertThat(r).isEqualTo(new Resources(1536, "--memory", 3, "--cpus", java.util.List.of()));
    }

    @Test
    void noMemorySourceAtAllIsAnEnvironmentError() {
        assertThatThrownBy(this::detect)
                .isInstanceOfSatisfying(PgWardenException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENVIRONMENT))
                .hasMessage("Cannot detect the memory available to PostgreSQL: no cgroup memory limit and no readable"
                        + " /proc/meminfo. Set --memory (e.g. 2GB) or POSTGRES_MEMORY (MB, e.g. 2048).");
    }

    @Test
    void cpuMaxQuotaIsRoundedUp() throws IOException {
        cgroupV2();
        write("/proc/meminfo", MEMINFO_16GB);
        write("/sys/fs/cgroup/cpu.max", "150000 100000");
        Resources r = detect();
        assertThat(r.cpus()).isEqualTo(2);
        assertThat(r.cpuSource()).isEqualTo("cgroup v2 /sys/fs/cgroup/cpu.max (150000 100000)");
    }

    @Test
    void cpuMaxBelowOneCpuGivesOne() throws IOException {
        cgroupV2();
        write("/proc/meminfo", MEMINFO_16GB);
        write("/sys/fs/cgroup/cpu.max", "20000 100000");
        assertThat(detect().cpus()).isEqualTo(1);
    }

    @Test
    void cpuMaxUnlimitedFallsBackToAvailableProcessors() throws IOException {
        cgroupV2();
        write("/proc/meminfo", MEMINFO_16GB);
        write("/sys/fs/cgroup/cpu.max", "max 100000");
        Resources r = detect();
        assertThat(r.cpus()).isEqualTo(8);
        assertThat(r.cpuSource()).isEqualTo("available processors");
    }

    @Test
    void cgroupV1CfsQuota() throws IOException {
        write("/proc/meminfo", MEMINFO_16GB);
        write("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "250000");
        write("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000");
        Resources r = detect();
        assertThat(r.cpus()).isEqualTo(3);
        assertThat(r.cpuSource()).isEqualTo("cgroup v1 /sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us (250000 per 100000 period)");
    }

    @Test
    void cgroupV1UnlimitedQuotaFallsBackToAvailableProcessors() throws IOException {
        write("/proc/meminfo", MEMINFO_16GB);
        write("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1");
        write("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000");
        assertThat(detect().cpuSource()).isEqualTo("available processors");
    }

    @Test
    void thisMachineCanBeDetected() {
        Resources r = ResourceDetector.machine().detect(ResourceOverrides.none());
        assertThat(r.memoryMb()).isPositive();
        assertThat(r.cpus()).isPositive();
    }
}
