package io.pgwarden.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CrashHistoryTest {
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void backoffDoublesAndGivesUpAtTheLimit() {
        CrashHistory h = new CrashHistory(RestartPolicy.DEFAULT);
        assertThat(h.onCrash(t0).backoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(h.onCrash(t0.plusSeconds(2)).backoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(h.onCrash(t0.plusSeconds(5)).backoff()).isEqualTo(Duration.ofSeconds(4));
        RestartDecision fourth = h.onCrash(t0.plusSeconds(10));
        assertThat(fourth.backoff()).isEqualTo(Duration.ofSeconds(8));
        assertThat(fourth.reason()).isEqualTo("4 crashes within 1m (limit 5); restarting in 8s");
        RestartDecision fifth = h.onCrash(t0.plusSeconds(19));
        assertThat(fifth.giveUp()).isTrue();
        assertThat(fifth.reason()).isEqualTo("5 crashes within 1m (limit 5); giving up");
    }

    @Test
    void crashesOlderThanTheWindowAreForgotten() {
        CrashHistory h = new CrashHistory(RestartPolicy.DEFAULT);
        for (int i = 0; i < 20; i++) {
            RestartDecision d = h.onCrash(t0.plusSeconds(61L * i));
            assertThat(d.giveUp()).isFalse();
            assertThat(d.recentCrashes()).isEqualTo(1);
            assertThat(d.backoff()).isEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void backoffIsCappedAtTheMaximum() {
        CrashHistory h = new CrashHistory(new RestartPolicy(100, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(30)));
        RestartDecision d = null;
        for (int i = 0; i < 10; i++) {
            d = h.onCrash(t0.plusSeconds(i));
        }
        assertThat(d.backoff()).isEqualTo(Duration.ofSeconds(30));
    }
}
