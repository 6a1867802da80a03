package io.pgwarden.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgVersion;
import io.pgwarden.core.PgWardenException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TunerTest {
    private static Profile profile(Workload w, StorageType s, int version) {
        return new Profile(w, s, new PgVersion(version), List.of());
    }

    private static TuningPlan plan(long memoryMb, int cpus, Workload w) {
        return Tuner.plan(Resources.given(memoryMb, cpus), profile(w, StorageType.SSD, 18));
    }

    @Test
    void smallWebServerOnSsd() {
        TuningPlan plan = Tuner.plan(new Resources(1536, "--memory", 2, "--cpus", List.of()),
                profile(Workload.WEB, StorageType.SSD, 18));
        assertThat(plan.settings()).containsExactly(
                entry("max_connections", "100"),
                entry("shared_buffers", "384MB"),
                entry("effective_cache_size", "1152MB"),
                entry("maintenance_work_mem", "96MB"),
                entry("work_mem", "3932kB"),
                entry("wal_buffers", "12MB"),
                entry("min_wal_size", "1GB"),
                entry("max_wal_size", "4GB"),
                entry("checkpoint_completion_target", "0.9"),
                entry("random_page_cost", "1.1"),
                entry("effective_io_concurrency", "200"),
                entry("maintenance_io_concurrency", "200"),
                entry("default_statistics_target", "100"),
                entry("jit", "off"),
                entry("max_worker_processes", "8"),
                entry("max_parallel_workers", "2"),
                entry("max_parallel_workers_per_gather", "1"),
                entry("max_parallel_maintenance_workers", "1"),
                entry("io_workers", "3"));
        assertThat(plan.reasons()).containsOnlyKeys(plan.settings().keySet());
        assertThat(plan.reasons().get("max_connections")).isEqualTo("web: 200 x 50% as memory is below 2GB (at least 20)");
        assertThat(plan.reasons().values()).allSatisfy(r -> assertThat(r).isNotBlank().doesNotContain("\n"));
    }

    @ParameterizedTest
    @CsvSource({
            "1024, WEB, 100", "2047, WEB, 100", "2048, WEB, 140", "4095, WEB, 140", "4096, WEB, 170", "8191, WEB, 170",
            "8192, WEB, 200", "262144, WEB, 200",
            "512, OLTP, 150", "3072, OLTP, 210", "6144, OLTP, 255", "16384, OLTP, 300",
            "512, DW, 50", "3072, DW, 70", "6144, DW, 85", "16384, DW, 100",
            "512, MIXED, 60", "3072, MIXED, 84", "6144, MIXED, 102", "16384, MIXED, 120"})
    void maxConnectionsByWorkloadScaledByMemoryTier(long memoryMb, Workload workload, String expected) {
        assertThat(plan(memoryMb, 4, workload).value("max_connections")).isEqualTo(expected);
    }

    @Test
    void maxConnectionsNeverBelowTwenty() {
        assertThat(ConnectionRules.maxConnections(30, 512)).isEqualTo(20);
        assertThat(ConnectionRules.maxConnections(41, 512)).isEqualTo(20);
        assertThat(ConnectionRules.maxConnections(42, 512)).isEqualTo(21);
    }

    @ParameterizedTest
    @CsvSource({"512, 128MB", "1000, 250MB", "4096, 1GB", "65536, 16GB", "131072, 32GB", "262144, 32GB"})
    void sharedBuffersIsAQuarterOfMemoryAtMost32GB(long memoryMb, String expected) {
        assertThat(plan(memoryMb, 4, Workload.WEB).value("shared_buffers")).isEqualTo(expected);
    }

    @Test
    void workMemIsCappedAt32MBAndFlooredAt1MB() {
        assertThat(plan(262144, 64, Workload.DW).value("work_mem")).isEqualTo("32MB");
        assertThat(plan(512, 8, Workload.OLTP).value("work_mem")).isEqualTo("1MB");
        for (Workload w : Workload.values()) {
            for (long mem : new long[] {512, 1024, 4096, 65536, 262144}) {
                String v = plan(mem, 16, w).value("work_mem");
                long kb = v.endsWith("MB") ? Long.parseLong(v.replace("MB", "")) * 1024 : Long.parseLong(v.replace("kB", ""));
                assertThat(kb).as("%s %dMB", w, mem).isBetween(1024L, 32L * 1024);
            }
        }
    }

    @Test
    void dataWarehouseRaisesStatisticsTargetAndParallelism() {
        TuningPlan dw = plan(65536, 16, Workload.DW);
        assertThat(dw.value("default_statistics_target")).isEqualTo("500");
        assertThat(dw.value("max_parallel_workers_per_gather")).isEqualTo("8");
        assertThat(dw.value("maintenance_work_mem")).isEqualTo("2GB");
        assertThat(dw.value("jit")).isEqualTo("on");
        assertThat(plan(65536, 16, Workload.WEB).value("default_statistics_target")).isEqualTo("100");
        assertThat(plan(65536, 16, Workload.WEB).value("max_parallel_workers_per_gather")).isEqualTo("2");
    }

    @ParameterizedTest
    @CsvSource({"SSD, 1.1, 200", "HDD, 4.0, 2", "SAN, 1.1, 1"})
    void storageSetsRandomPageCostAndIoConcurrency(StorageType storage, String cost, String io) {
        TuningPlan plan = Tuner.plan(Resources.given(4096, 4), profile(Workload.WEB, storage, 16));
        assertThat(plan.settings()).contains(entry("random_page_cost", cost), entry("effective_io_concurrency", io),
                entry("maintenance_io_concurrency", io));
    }

    @Test
    void cpuCountDrivesWorkersAndIoWorkersOnlyOn18() {
        TuningPlan one = plan(2048, 1, Workload.MIXED);
        assertThat(one.settings()).contains(entry("max_parallel_workers_per_gather", "0"),
                entry("max_parallel_maintenance_workers", "0"), entry("max_parallel_workers", "1"), entry("io_workers", "3"));
        TuningPlan many = plan(2048, 64, Workload.MIXED);
        assertThat(many.settings()).contains(entry("max_worker_processes", "64"), entry("max_parallel_workers", "64"),
                entry("max_parallel_workers_per_gather", "4"), entry("max_parallel_maintenance_workers", "4"),
                entry("io_workers", "16"));
        TuningPlan on15 = Tuner.plan(Resources.given(2048, 64), profile(Workload.MIXED, StorageType.SSD, 15));
        assertThat(on15.settings()).doesNotContainKey("io_workers");
    }

    @Test
    void preloadLibrariesAreSetWhenGiven() {
        Profile p = profile(Workload.WEB, StorageType.SSD, 18)
                .withPreloadLibraries(Profile.parseLibraries(" pg_stat_statements , auto_explain"));
        assertThat(Tuner.plan(Resources.given(1024, 2), p).value("shared_preload_libraries"))
                .isEqualTo("pg_stat_statements,auto_explain");
        assertThat(plan(1024, 2, Workload.WEB).settings()).doesNotContainKey("shared_preload_libraries");
    }

    @Test
    void refusesLessThan512MbNamingAmountAndSource() {
        Resources small = new Resources(256, "POSTGRES_MEMORY", 2, "available processors", List.of());
        assertThatThrownBy(() -> Tuner.plan(small, profile(Workload.WEB, StorageType.SSD, 18)))
                .isInstanceOfSatisfying(PgWardenException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("Memory 256 MB (from POSTGRES_MEMORY) is below the 512 MB minimum pgwarden tunes PostgreSQL"
                        + " for; give the container at least 512MB of memory or set --memory / POSTGRES_MEMORY to what"
                        + " PostgreSQL may really use.");
        assertThat(plan(512, 1, Workload.WEB).value("shared_buffers")).isEqualTo("128MB");
    }

    @Test
    void warningsOfDetectionAreCarriedIntoThePlan() {
        Resources r = new Resources(4096, "/proc/meminfo MemTotal", 2, "available processors", List.of("host memory"));
        assertThat(Tuner.plan(r, profile(Workload.WEB, StorageType.SSD, 18)).warnings()).containsExactly("host memory");
    }

    @Test
    void enumsNameAllowedValues() {
        assertThat(Workload.parse(" OLTP ")).isEqualTo(Workload.OLTP);
        assertThatThrownBy(() -> Workload.parse("webb")).hasMessage("allowed values are web, oltp, dw, mixed");
        assertThatThrownBy(() -> StorageType.parse("nvme")).hasMessage("allowed values are ssd, hdd, san");
        assertThatThrownBy(() -> PlanFormat.parse("yaml")).hasMessage("allowed values are conf, flags, json, table");
        assertThatThrownBy(() -> Profile.parseLibraries("pg_stat_statements,,auto_explain"))
                .hasMessageStartingWith("'' is not a library name");
        assertThatThrownBy(() -> Profile.parseLibraries("a;rm -rf /")).hasMessageStartingWith("'a;rm -rf /' is not a library name");
        assertThat(Profile.parseLibraries("")).isEmpty();
    }
}
