package io.pgwarden.health;

import io.pgwarden.testing.SteppingClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachedPostgresStatusTest {
    private final SteppingClock clock = new SteppingClock();
    private final AtomicInteger probes = new AtomicInteger();
    private final CachedPostgresStatus cache = new CachedPostgresStatus(() -> {
        probes.incrementAndGet();
        return Statuses.primary();
    }, clock, Duration.ofSeconds(1));

    @Test
    void probesAtMostOncePerTtl() {
        assertThat(cache.lastKnown().state()).isEqualTo(PostgresState.NOT_PROBED);
        assertThat(probes).hasValue(0);
        for (int i = 0; i < 100; i++) {
            assertThat(cache.current().state()).isEqualTo(PostgresState.RUNNING);
        }
        assertThat(probes).hasValue(1);
        clock.advance(Duration.ofMillis(999));
        cache.current();
        assertThat(probes).hasValue(1);
        clock.advance(Duration.ofMillis(1));
        cache.current();
        assertThat(probes).hasValue(2);
        cache.invalidate();
        cache.current();
        assertThat(probes).hasValue(3);
    }

    @Test
    void lastKnownNeverProbes() {
        cache.lastKnown();
        clock.advance(Duration.ofMinutes(5));
        cache.lastKnown();
        assertThat(probes).hasValue(0);
    }
}
