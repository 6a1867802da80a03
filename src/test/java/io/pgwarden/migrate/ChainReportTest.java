package io.pgwarden.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** States of a chain from files and history rows, and what apply would run. */
class ChainReportTest {
    private static ResolvedMigration file(String version, int checksum) {
        return new ResolvedMigration("", MigrationType.VERSIONED, MigrationVersion.parse(version), "v" + version,
                "V" + version + "__v" + version + ".sql", Path.of("V" + version + "__v" + version + ".sql"), checksum);
    }

    private static AppliedMigration row(long rank, String version, int checksum, boolean success) {
        return new AppliedMigration(rank, "", version, "v" + version, MigrationType.VERSIONED,
                "V" + version + "__v" + version + ".sql", checksum, "app", Instant.EPOCH, 1, success,
                success ? null : "boom");
    }

    @Test
    void everyStateIsRecognised() {
        MigrationChain chain = new MigrationChain("", List.of(file("1", 11), file("1.5", 15), file("2", 99), file("4", 40),
                file("5", 50)), List.of());
        List<AppliedMigration> rows = List.of(row(1, "1", 11, true), row(2, "2", 20, true), row(3, "3", 30, true),
                row(4, "4", 40, false));

        ChainReport r = ChainReport.compare("", chain, rows);

        assertThat(r.migrations()).extracting(i -> i.version() + "=" + i.state().label()).containsExactly(
                "1=applied", "1.5=ignored", "2=modified", "3=missing file", "4=failed", "5=pending");
        assertThat(r.toApply(RetryPolicy.REFUSE)).isEmpty();
        assertThat(r.toApply(RetryPolicy.RETRY)).extracting(MigrationInfo::script)
                .containsExactly("V4__v4.sql", "V5__v5.sql");
        assertThat(r.toApply(RetryPolicy.RETRY_CHANGED)).as("V4 failed and its file did not change").isEmpty();
        assertThat(Validation.problems(List.of(r), false)).hasSize(4);
        assertThat(Validation.problems(List.of(r), false).get(0)).isEqualTo("V1.5__v1.5.sql (version 1.5) was never"
                + " applied and is below version 3, the latest applied in chain (root), so it would never run. Give it a"
                + " version above 3.");
    }

    @Test
    void aRemovedRepeatableFileIsShownButIsNoProblem() {
        AppliedMigration views = new AppliedMigration(1, "", null, "views", MigrationType.REPEATABLE, "R__views.sql", 5,
                "app", Instant.EPOCH, 1, true, null);
        ChainReport r = ChainReport.compare("", new MigrationChain("", List.of(), List.of()), List.of(views));
        assertThat(r.migrations()).extracting(i -> i.script() + "=" + i.state().label())
                .containsExactly("R__views.sql=missing file");
        assertThat(Validation.problems(List.of(r), false)).isEmpty();
    }

    @Test
    void versionsAppliedByANewerReleaseAreFutureNotProblems() {
        MigrationChain chain = new MigrationChain("", List.of(file("1", 11), file("2", 22)), List.of());
        ChainReport r = ChainReport.compare("", chain, List.of(row(1, "1", 11, true), row(2, "2", 22, true),
                row(3, "3", 33, true)));
        assertThat(r.migrations()).extracting(i -> i.version() + "=" + i.state().label())
                .containsExactly("1=applied", "2=applied", "3=future");
        assertThat(Validation.problems(List.of(r), false)).isEmpty();
        assertThat(MigrationStatus.of(r).latestVersion()).isEqualTo("3");
    }

    @Test
    void anUnchangedFailedFileHoldsItsChainUnderRetryChanged() {
        MigrationChain chain = new MigrationChain("", List.of(file("1", 10), file("2", 20)), List.of());
        ChainReport r = ChainReport.compare("", chain, List.of(row(1, "1", 10, false)));
        assertThat(r.toApply(RetryPolicy.RETRY_CHANGED)).isEmpty();
        ChainReport changed = ChainReport.compare("", new MigrationChain("", List.of(file("1", 12), file("2", 20)), List.of()),
                List.of(row(1, "1", 10, false)));
        assertThat(changed.toApply(RetryPolicy.RETRY_CHANGED)).extracting(MigrationInfo::script)
                .containsExactly("V1__v1.sql", "V2__v2.sql");
        assertThat(MigrationStatus.of(r)).isEqualTo(new MigrationStatus("(root)", 0, 1, 1, null, "V1__v1.sql", "boom", 0));
    }
}
