package io.pgwarden.instance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** libpq's .pgpass format escapes exactly two characters, ':' and '\'; everything else is literal (aza-pg's lesson). */
class PgPassFileTest {
    @Test
    void onlyColonAndBackslashAreEscaped() {
        String password = "a:b\\c*d'e\"f$g h#i";
        assertThat(PgPassFile.escape(password)).isEqualTo("a\\:b\\\\c*d'e\"f$g h#i");
        assertThat(PgPassFile.split("host:5432:*:user:" + PgPassFile.escape(password)))
                .containsExactly("host", "5432", "*", "user", password);
    }
}
