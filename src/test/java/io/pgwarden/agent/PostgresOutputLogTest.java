package io.pgwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class PostgresOutputLogTest {
    @Test
    void levelComesFromTheSeverityAfterTheLinePrefix() {
        assertThat(PostgresOutputLog.level("2026-11-23 22:40:01.123 UTC [812] LOG:  database system is ready to accept"
                + " connections", Level.ERROR)).isEqualTo(Level.INFO);
        assertThat(PostgresOutputLog.level("2026-11-23 22:40:01.123 UTC [812] WARNING:  could not flush", Level.INFO))
                .isEqualTo(Level.WARN);
        assertThat(PostgresOutputLog.level("[812] ERROR:  relation \"x\" does not exist", Level.INFO)).isEqualTo(Level.ERROR);
        assertThat(PostgresOutputLog.level("FATAL:  database \"nope\" does not exist", Level.INFO)).isEqualTo(Level.ERROR);
        assertThat(PostgresOutputLog.level("PANIC:  could not write to file", Level.INFO)).isEqualTo(Level.ERROR);
        assertThat(PostgresOutputLog.level("DEBUG2:  checkpointer updated", Level.INFO)).isEqualTo(Level.DEBUG);
    }

    @Test
    void continuationAndUnprefixedLinesKeepThePreviousLevel() {
        assertThat(PostgresOutputLog.level("[812] DETAIL:  Key (id)=(1) already exists.", Level.ERROR)).isEqualTo(Level.ERROR);
        assertThat(PostgresOutputLog.level("[812] STATEMENT:  INSERT INTO t VALUES (1)", Level.ERROR)).isEqualTo(Level.ERROR);
        assertThat(PostgresOutputLog.level("\tcontinued text of a multi-line message", Level.WARN)).isEqualTo(Level.WARN);
        assertThat(PostgresOutputLog.level("a message mentioning LOG: without two spaces", Level.INFO)).isEqualTo(Level.INFO);
    }
}
