package io.pgwarden.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationResolverTest {
    @TempDir
    Path dir;

    private void write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    @Test
    void ordersVersionsNumericallyAndRepeatablesLast() throws IOException {
        for (String n : List.of("V10__ten.sql", "V9__nine.sql", "V1.10__x.sql", "V1.9__y.sql", "V2024.01.05.1__date.sql",
                "R__views.sql", "V1_2__underscore.sql", "README.md", ".hidden.sql")) {
            write(n, "SELECT 1;");
        }
        List<MigrationChain> chains = new MigrationResolver(dir).resolve();
        assertThat(chains).hasSize(1);
        assertThat(chains.get(0).versioned()).extracting(ResolvedMigration::script).containsExactly(
                "V1_2__underscore.sql", "V1.9__y.sql", "V1.10__x.sql", "V9__nine.sql", "V10__ten.sql",
                "V2024.01.05.1__date.sql");
        assertThat(chains.get(0).versioned().get(0).version()).hasToString("1.2");
        assertThat(chains.get(0).versioned().get(0).description()).isEqualTo("underscore");
        assertThat(chains.get(0).repeatable()).extracting(ResolvedMigration::script).containsExactly("R__views.sql");
    }

    @Test
    void groupsAreIndependentChainsAndFlattenedConfigMapKeysJoinThem() throws IOException {
        write("gcp/001_create_schema.sql", "CREATE SCHEMA gcp;");
        write("gcp/010_later.sql", "SELECT 1;");
        write("gcp_002_second.sql", "SELECT 2;");
        write("aws/001_create_schema.sql", "CREATE SCHEMA aws;");
        write("001_root.sql", "SELECT 0;");
        List<MigrationChain> chains = new MigrationResolver(dir).resolve();
        assertThat(chains).extracting(MigrationChain::group).containsExactly("", "aws", "gcp");
        assertThat(chains.get(2).versioned()).extracting(ResolvedMigration::script)
                .containsExactly("gcp/001_create_schema.sql", "gcp/002_second.sql", "gcp/010_later.sql");
    }

    @Test
    void configMapMountIsReadThroughItsDataSymlink() throws IOException {
        Path snapshot = dir.resolve("..2026_11_23_20_00_00.123");
        Files.createDirectories(snapshot);
        Files.writeString(snapshot.resolve("gcp_001_create_schema.sql"), "CREATE SCHEMA gcp;");
        Files.writeString(snapshot.resolve("V1__init.sql"), "SELECT 1;");
        Files.createSymbolicLink(dir.resolve("..data"), dir.relativize(snapshot));
        Files.createSymbolicLink(dir.resolve("gcp_001_create_schema.sql"), Path.of("..data/gcp_001_create_schema.sql"));
        Files.createSymbolicLink(dir.resolve("V1__init.sql"), Path.of("..data/V1__init.sql"));
        List<MigrationChain> chains = new MigrationResolver(dir).resolve();
        assertThat(chains).extracting(MigrationChain::group).containsExactly("", "gcp");
        assertThat(chains.get(1).versioned().get(0).script()).isEqualTo("gcp/001_create_schema.sql");
        assertThat(chains.get(1).versioned().get(0).description()).isEqualTo("create schema");
    }

    @Test
    void badNamesDuplicateVersionsAndDeepNestingAreAllReported() throws IOException {
        write("V1__first.sql", "SELECT 1;");
        write("001_same_version.sql", "SELECT 1;");
        write("create_users.sql", "SELECT 1;");
        write("gcp/V1__a.sql", "SELECT 1;");
        write("gcp/V1.0__b.sql", "SELECT 1;");
        write("gcp/deeper/V2__c.sql", "SELECT 1;");
        assertThatThrownBy(() -> new MigrationResolver(dir).resolve())
                .isInstanceOfSatisfying(PgWardenException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage(String.join(System.lineSeparator(),
                        "Migrations in " + dir + " cannot be used (4 problems); nothing was applied:",
                        "  create_users.sql: not a migration file name; use V<version>__<description>.sql"
                                + " (e.g. V1.2__add_users.sql), B<version>__<description>.sql (a baseline),"
                                + " R__<description>.sql or <NNN>_<description>.sql"
                                + " (e.g. 001_create_schema.sql).",
                        "  gcp/deeper: directories nest one level only (<group>/<file>.sql); move its files up into"
                                + " gcp/ or into a group of their own.",
                        "  chain (root): 001_same_version.sql and V1__first.sql both have version 1; give one of them"
                                + " another version.",
                        "  chain gcp: gcp/V1.0__b.sql and gcp/V1__a.sql both have version 1; give one of them another version."));
    }

    @Test
    void missingDirectoryNamesTheSettings() {
        assertThatThrownBy(() -> new MigrationResolver(dir.resolve("nope")).resolve())
                .hasMessage("Migrations directory " + dir.resolve("nope") + " does not exist or is not a directory;"
                        + " set --dir or MIGRATIONS_DIR (or CONFIGMAP_PATH).");
    }

    @Test
    void checksumsIgnoreLineEndings() {
        int lf = Checksums.of("CREATE TABLE a (id int);\nSELECT 1;\n".getBytes(StandardCharsets.UTF_8));
        int crlf = Checksums.of("CREATE TABLE a (id int);\r\nSELECT 1;\r\n".getBytes(StandardCharsets.UTF_8));
        int bom = Checksums.of("\uFEFFCREATE TABLE a (id int);\r\nSELECT 1;\r\n".getBytes(StandardCharsets.UTF_8));
        int other = Checksums.of("CREATE TABLE b (id int);\nSELECT 1;\n".getBytes(StandardCharsets.UTF_8));
        assertThat(crlf).isEqualTo(lf);
        assertThat(bom).isEqualTo(lf);
        assertThat(other).isNotEqualTo(lf);
    }

    @Test
    void checksumIsCrc32OfTheTextWithLfLineEndings() {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update("a\nb\n\nc\n".getBytes(StandardCharsets.UTF_8));
        int expected = (int) crc.getValue();
        assertThat(Checksums.of("a\r\nb\r\rc\n".getBytes(StandardCharsets.UTF_8))).as("CRLF and lone CRs read as LF")
                .isEqualTo(expected);
        assertThat(Checksums.of("\uFEFFa\nb\n\nc\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(expected);
        assertThat(Checksums.of("a\nb\n\nc\n\r".getBytes(StandardCharsets.UTF_8))).as("a trailing CR is a line end")
                .isNotEqualTo(expected);
    }

    @Test
    void fileChecksumsEqualContentChecksumsForEmptySmallAndBigFiles() throws IOException {
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < 100_000; i++) {
            big.append("INSERT INTO t VALUES (").append(i).append(");\r\n");
        }
        for (String content : List.of("", "SELECT 1;\r\n", big.toString())) {
            Path f = Files.writeString(dir.resolve("f.sql"), content);
            assertThat(Checksums.of(f)).as("%d bytes", content.length())
                    .isEqualTo(Checksums.of(content.getBytes(StandardCharsets.UTF_8)));
        }
        Path f = Files.writeString(dir.resolve("f.sql"), "SELECT 2;\n");
        assertThat(Checksums.of(f)).as("the buffer grown for the big file is not read past this file's end")
                .isEqualTo(Checksums.of("SELECT 2;\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void flywayPrefixesWinOverTheFlattenedGroupReading() throws IOException {
        write("B3_0_0__baseline.sql", "CREATE TABLE a (id int);");
        write("V1__one.sql", "CREATE TABLE a (id int);");
        write("V3.0.0__three.sql", "SELECT 3;");
        write("V3_1__after.sql", "SELECT 31;");
        write("R__views.sql", "SELECT 0;");
        write("gcp_001_schema.sql", "CREATE SCHEMA gcp;");
        write("b2_001_x.sql", "SELECT 2;");
        write("afterMigrate.sql", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC;"); // Flyway callbacks: skipped
        write("gcp/beforeEachMigrate__log.sql", "SELECT 1;");
        List<MigrationChain> chains = new MigrationResolver(dir).resolve();
        assertThat(chains).extracting(MigrationChain::group).containsExactly("", "b2", "gcp");
        MigrationChain root = chains.get(0);
        assertThat(root.versioned()).extracting(ResolvedMigration::script).as("B3 stands beside V3, before it")
                .containsExactly("V1__one.sql", "B3_0_0__baseline.sql", "V3.0.0__three.sql", "V3_1__after.sql");
        ResolvedMigration b = root.versioned().get(1);
        assertThat(b.type()).isEqualTo(MigrationType.BASELINE_MIGRATION);
        assertThat(b.version()).hasToString("3.0.0");
        assertThat(b.description()).isEqualTo("baseline");
        assertThat(b.reading()).isEqualTo("Flyway baseline B<version>__");
        assertThat(root.versioned().get(0).reading()).isEqualTo("Flyway versioned V<version>__");
        assertThat(root.repeatable().get(0).reading()).isEqualTo("Flyway repeatable R__");
        assertThat(chains.get(1).versioned().get(0).reading())
                .isEqualTo("ConfigMap key <group>_ of group b2, then numbered <NNN>_");
        assertThat(chains.get(2).versioned()).extracting(ResolvedMigration::script).containsExactly("gcp/001_schema.sql");
    }

    @Test
    void twoBaselinesOfOneVersionAreADuplicate() throws IOException {
        write("B1__a.sql", "SELECT 1;");
        write("B1.0__b.sql", "SELECT 1;");
        assertThatThrownBy(() -> new MigrationResolver(dir).resolve())
                .hasMessageContaining("chain (root): B1.0__b.sql and B1__a.sql both have version 1");
    }

    @Test
    void baselineRuleNoHistoryTakesTheHighestBaselineThenLaterFilesAndHistoryIgnoresBaselines() throws IOException {
        write("V1__a.sql", "CREATE TABLE a (id int);");
        write("V2__b.sql", "CREATE TABLE b (id int);");
        write("B2__base.sql", "CREATE TABLE a (id int); CREATE TABLE b (id int);");
        write("B1__old.sql", "CREATE TABLE a (id int);");
        write("V3__c.sql", "CREATE TABLE c (id int);");
        MigrationChain root = new MigrationResolver(dir).resolve().get(0);

        ChainReport fresh = ChainReport.compare("", root, List.of());
        assertThat(fresh.toApply(RetryPolicy.REFUSE)).extracting(MigrationInfo::script)
                .containsExactly("B2__base.sql", "V3__c.sql");
        assertThat(fresh.migrations()).extracting(i -> i.script() + " " + i.state().label()).containsExactly(
                "B1__old.sql not used", "V1__a.sql below baseline", "B2__base.sql pending", "V2__b.sql below baseline",
                "V3__c.sql pending");
        assertThat(Validation.problems(List.of(fresh), false)).isEmpty();

        ResolvedMigration b2 = root.versioned().stream().filter(m -> m.script().equals("B2__base.sql")).findFirst()
                .orElseThrow();
        AppliedMigration b2Row = new AppliedMigration(1, "", "2", "base", MigrationType.BASELINE_MIGRATION,
                "B2__base.sql", b2.checksum(), "me", null, 1, true, null);
        ChainReport afterBaseline = ChainReport.compare("", root, List.of(b2Row));
        assertThat(afterBaseline.toApply(RetryPolicy.REFUSE)).extracting(MigrationInfo::script).containsExactly("V3__c.sql");
        assertThat(Validation.problems(List.of(afterBaseline), false)).isEmpty();

        ResolvedMigration v1 = root.versioned().stream().filter(m -> m.script().equals("V1__a.sql")).findFirst()
                .orElseThrow();
        AppliedMigration v1Row = new AppliedMigration(1, "", "1", "a", MigrationType.VERSIONED, "V1__a.sql",
                v1.checksum(), "me", null, 1, true, null);
        ChainReport withHistory = ChainReport.compare("", root, List.of(v1Row));
        assertThat(withHistory.toApply(RetryPolicy.REFUSE)).as("once history exists, baselines are ignored")
                .extracting(MigrationInfo::script).containsExactly("V2__b.sql", "V3__c.sql");
        assertThat(withHistory.migrations()).filteredOn(i -> i.type() == MigrationType.BASELINE_MIGRATION)
                .extracting(i -> i.state().label()).containsExactly("not used", "not used");
    }

    @Test
    void oneChainReadsSubdirectoriesAtAnyDepthIntoTheRootChainAsFlywayDoes() throws IOException {
        write("V1__root.sql", "SELECT 1;");
        write("release2/V2__two.sql", "SELECT 2;");
        write("release10/V10__ten.sql", "SELECT 10;");
        write("release2/deeper/V3__three.sql", "SELECT 3;");
        write("release2/R__views.sql", "SELECT 0;");
        List<MigrationChain> chains = new MigrationResolver(dir, "nothing was applied", true).resolve();
        assertThat(chains).extracting(MigrationChain::group).containsExactly("");
        assertThat(chains.get(0).versioned()).extracting(ResolvedMigration::script).containsExactly("V1__root.sql",
                "release2/V2__two.sql", "release2/deeper/V3__three.sql", "release10/V10__ten.sql");
        assertThat(chains.get(0).repeatable()).extracting(ResolvedMigration::script).containsExactly("release2/R__views.sql");
        assertThatThrownBy(() -> new MigrationResolver(dir).resolve()).as("without it, nesting stays one level")
                .hasMessageContaining("release2/deeper: directories nest one level only");
    }

    @Test
    void checksumsStreamedInChunksEqualTheWholeFilesAndFlywaysIgnoresEveryLineEnding() {
        byte[] content = "\uFEFFa\r\nb\r\rc\nd\r".getBytes(StandardCharsets.UTF_8);
        Checksums.FileChecksums whole = digest(content, content.length);
        for (int chunk = 1; chunk < content.length; chunk++) {
            assertThat(digest(content, chunk)).as("chunks of %d bytes", chunk).isEqualTo(whole);
        }
        assertThat(whole.pgwarden()).isEqualTo(Checksums.of("a\nb\n\nc\nd\n".getBytes(StandardCharsets.UTF_8)));
        java.util.zip.CRC32 lines = new java.util.zip.CRC32(); // Flyway: each line's bytes, no terminators
        lines.update("abcd".getBytes(StandardCharsets.UTF_8));
        assertThat(whole.flyway()).isEqualTo((int) lines.getValue());
        assertThat(digest(new byte[] {(byte) 0xEF, (byte) 0xBB}, 1)).as("a start that only looks like a BOM is content")
                .isEqualTo(digest(new byte[] {(byte) 0xEF, (byte) 0xBB}, 2));
    }

    private static Checksums.FileChecksums digest(byte[] content, int chunk) {
        Checksums.Digest d = new Checksums.Digest();
        for (int i = 0; i < content.length; i += chunk) {
            d.update(content, i, Math.min(chunk, content.length - i));
        }
        return d.finish();
    }
}
