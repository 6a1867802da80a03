package io.pgwarden.tune;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.core.PgVersion;
import io.pgwarden.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every parameter of every plan in the matrix (memory 512MB..256GB x 1..64 CPUs x every workload and
 * storage) is checked against {@code pg_settings} of a real server of that major: the name exists and
 * the value is within its unit, bounds and enum values. Then a real server is started with a tuned
 * configuration to prove PostgreSQL accepts it and reports the values it was given.
 */
class TuneIT {
    private static final long[] MEMORY_MB = {512, 1024, 2048, 4096, 8192, 16384, 65536, 262144};
    private static final int[] CPUS = {1, 2, 4, 8, 16, 64};
    private static final List<String> LIBRARIES = List.of("pg_stat_statements");

    @Test
    void everyPlanOfTheMatrixIsValidForPostgres15() throws SQLException {
        try (Connection c = TestPostgres.shared().connect()) {
            assertMatrixValid(PgSettingsCatalog.load(c), 15);
        }
    }

    @Test
    void postgres15RunsATunedConfigAndReadsEveryOutputFormat() throws Exception {
        try (TestPostgres pg = startTuned(TestPostgres.DEBIAN_15, 15)) {
            assertBinaryReadsRenderings(pg, 15);
        }
    }

    /** PostgreSQL 18 (embedded binaries): the matrix against its pg_settings, io_workers included. */
    @Test
    void postgres18RunsATunedConfigAndAcceptsEveryPlanOfTheMatrix() throws Exception {
        try (TestPostgres pg = startTuned(TestPostgres.embedded(18), 18); Connection c = pg.connect()) {
            assertMatrixValid(PgSettingsCatalog.load(c), 18);
            assertBinaryReadsRenderings(pg, 18);
        }
    }

    /**
     * Starts a server of {@code major} with a representative plan (1GB, 2 CPUs, as {@code up} would write
     * it) and checks it reports each value as planned.
     */
    static TestPostgres startTuned(Path binDir, int major) throws SQLException {
        TuningPlan plan = Tuner.plan(Resources.given(1024, 2),
                new Profile(Workload.WEB, StorageType.SSD, new PgVersion(major), LIBRARIES));
        TestPostgres pg = TestPostgres.start(binDir, plan.settings());
        try {
            assertThat(currentSettings(pg, plan)).containsExactlyEntriesOf(plan.settings());
            return pg;
        } catch (RuntimeException | Error | SQLException e) {
            pg.close();
            throw e;
        }
    }

    /**
     * Has the {@code postgres} binary read (without starting) the conf rendering of the largest plan
     * through an include, and the {@code -c} flags rendering of the largest plan of every workload and storage.
     */
    static void assertBinaryReadsRenderings(TestPostgres pg, int major) throws IOException {
        TuningPlan largest = Tuner.plan(Resources.given(262144, 64),
                new Profile(Workload.DW, StorageType.HDD, new PgVersion(major), LIBRARIES));
        Files.writeString(pg.dataDir().resolve("pgwarden-tune.conf"), PlanFormat.CONF.renderer().render(largest));
        Files.writeString(pg.dataDir().resolve("postgresql.conf"), "\ninclude 'pgwarden-tune.conf'\n",
                StandardOpenOption.APPEND);
        assertThat(PostgresBinary.show(pg, List.of(), "shared_buffers")).isEqualTo("4194304");
        assertThat(PostgresBinary.show(pg, List.of(), "default_statistics_target")).isEqualTo("500");
        for (Workload workload : Workload.values()) {
            for (StorageType storage : StorageType.values()) {
                TuningPlan p = Tuner.plan(Resources.given(262144, 64),
                        new Profile(workload, storage, new PgVersion(major), LIBRARIES));
                List<String> flags = List.of(PlanFormat.FLAGS.renderer().render(p).trim().split("\\s+"));
                // postgres -C prints reals without a trailing .0
                assertThat(PostgresBinary.show(pg, flags, "random_page_cost"))
                        .isEqualTo(storage.randomPageCost().replace(".0", ""));
            }
        }
    }

    /** PostgreSQL 16 and 17 (embedded binaries, downloaded from Maven Central on first use). */
    @ParameterizedTest
    @ValueSource(ints = {16, 17})
    void everyPlanOfTheMatrixIsValidForPostgres(int major) throws Exception {
        try (TestPostgres pg = startTuned(TestPostgres.embedded(major), major); Connection c = pg.connect()) {
            assertMatrixValid(PgSettingsCatalog.load(c), major);
        }
    }

    @Test
    void checkerRejectsWhatTheServerWouldReject() throws SQLException {
        try (Connection c = TestPostgres.shared().connect()) {
            PgSettingsCatalog catalog = PgSettingsCatalog.load(c);
            assertThat(catalog.check("shared_buffers", "384MB")).isEmpty();
            assertThat(catalog.check("work_mem", "3932kB")).isEmpty();
            assertThat(catalog.check("shared_buffers", "64kB")).get().asString().contains("outside");
            assertThat(catalog.check("wal_buffers", "12kB")).get().asString().contains("not a whole number of 8kB");
            assertThat(catalog.check("work_mem", "3mb")).get().asString().contains("does not convert");
            assertThat(catalog.check("max_connections", "300000")).get().asString().contains("outside");
            assertThat(catalog.check("jit", "maybe")).get().asString().contains("not a boolean");
            assertThat(catalog.check("wal_level", "full")).get().asString().contains("not one of");
            assertThat(catalog.check("io_workers", "3")).hasValue("io_workers does not exist in PostgreSQL 15");
        }
    }

    static void assertMatrixValid(PgSettingsCatalog catalog, int major) {
        assertThat(catalog.serverMajor()).isEqualTo(major);
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (long memory : MEMORY_MB) {
            for (int cpus : CPUS) {
                for (Workload workload : Workload.values()) {
                    for (StorageType storage : StorageType.values()) {
                        Profile profile = new Profile(workload, storage, new PgVersion(major), LIBRARIES);
                        TuningPlan plan = Tuner.plan(Resources.given(memory, cpus), profile);
                        for (Map.Entry<String, String> e : plan.settings().entrySet()) {
                            checked++;
                            catalog.check(e.getKey(), e.getValue()).ifPresent(p -> problems.add(
                                    memory + "MB/" + cpus + " CPUs/" + workload.id() + "/" + storage.id() + ": " + p));
                        }
                    }
                }
            }
        }
        assertThat(problems).as("settings PostgreSQL %d would reject", major).isEmpty();
        assertThat(checked).isGreaterThan(MEMORY_MB.length * CPUS.length * 12 * 15);
    }

    /** What the running server reports for each planned parameter, in the plan's notation. */
    static Map<String, String> currentSettings(TestPostgres pg, TuningPlan plan) throws SQLException {
        Map<String, String> actual = new LinkedHashMap<>();
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement("SELECT current_setting(?)")) {
            for (String name : plan.settings().keySet()) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    actual.put(name, rs.getString(1));
                }
            }
        }
        return actual;
    }
}
