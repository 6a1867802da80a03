package io.pgwarden.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Children get no libpq/server PG* variables from pgwarden's environment, only what is passed explicitly. */
class SystemProcessRunnerTest {
    @Test
    void libpqVariablesAreRecognisedButPgwardenOnesAreNot() {
        assertThat(List.of("PGPORT", "PGHOST", "PGDATA", "PGOPTIONS", "PGSSLMODE", "PGPASSWORD", "PGDATABASE", "PGUSER"))
                .allMatch(SystemProcessRunner::isLibpqVariable);
        assertThat(List.of("PGWARDEN_CACHE", "PG_BINDIR", "PATH", "LC_ALL", "HOME")).noneMatch(SystemProcessRunner::isLibpqVariable);
    }

    @Test
    void explicitlyPassedVariablesReachTheChild() {
        ProcessResult r = new SystemProcessRunner().run(List.of("env"), null, Map.of("PGPASSFILE", "/tmp/x.pass"),
                Duration.ofSeconds(30));
        assertThat(r.stdout().lines()).contains("PGPASSFILE=/tmp/x.pass");
        // whatever this JVM inherited, no other PG* variable (libpq's) reaches the child
        assertThat(r.stdout().lines().filter(l -> l.indexOf('=') > 0).map(l -> l.substring(0, l.indexOf('='))).filter(SystemProcessRunner::isLibpqVariable))
                .containsExactly("PGPASSFILE");
    }
}
