package io.pgwarden.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MigrationNamesTest {
    private static String read(String name) {
        MigrationNames.Parsed p = MigrationNames.parseInChain(name);
        return p == null ? null : p.type() + " " + p.version() + " '" + p.description() + "'";
    }

    @Test
    void versionedNamesReadTheLongestVersionThenTheDescription() {
        assertThat(read("V1__init.sql")).isEqualTo("VERSIONED 1 'init'");
        assertThat(read("v2_1__add_users.SQL")).isEqualTo("VERSIONED 2.1 'add users'");
        assertThat(read("V2024.01.05.1__date.sql")).isEqualTo("VERSIONED 2024.01.05.1 'date'");
        assertThat(read("V1__2__x.sql")).as("the first __ ends the version").isEqualTo("VERSIONED 1 '2  x'");
        assertThat(read("V1___x.sql")).isEqualTo("VERSIONED 1 'x'");
        assertThat(read("V1__.x.sql")).isEqualTo("VERSIONED 1 '.x'");
        assertThat(read("001_create.sql")).isEqualTo("VERSIONED 001 'create'");
        assertThat(read("R__views.sql")).isEqualTo("REPEATABLE null 'views'");
    }

    @Test
    void malformedVersionedNamesAreRefused() {
        assertThat(read("V1.__x.sql")).isNull();
        assertThat(read("V1..2__x.sql")).isNull();
        assertThat(read("V__x.sql")).isNull();
        assertThat(read("V1__.sql")).isNull();
        assertThat(read("V1_x.sql")).isNull();
        assertThat(read("V1__x\n.sql")).as("a line break in the description").isNull();
        assertThat(read("Vx1__x.sql")).isNull();
        assertThat(read("V1__x.sql.bak")).isNull();
    }

    @Test
    void versionsNeedDigitsBetweenSeparators() {
        assertThat(MigrationVersion.wellFormed("1")).isTrue();
        assertThat(MigrationVersion.wellFormed("1.2_3")).isTrue();
        assertThat(MigrationVersion.wellFormed("")).isFalse();
        assertThat(MigrationVersion.wellFormed("1.")).isFalse();
        assertThat(MigrationVersion.wellFormed(".1")).isFalse();
        assertThat(MigrationVersion.wellFormed("1..2")).isFalse();
        assertThat(MigrationVersion.wellFormed("1a")).isFalse();
        assertThat(MigrationVersion.wellFormed("١")).as("non-ASCII digits").isFalse();
    }
}
