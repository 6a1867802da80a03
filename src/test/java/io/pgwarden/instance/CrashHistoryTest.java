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
        assertThat(fourth.reason()).isEqualTo("4 crashes within 1m (5 restarts allowed); restarting in 8s");
        RestartDecision fifth = h.onCrash(t0.plusSeconds(19));
        assertThat(fifth.giveUp()).isFalse();
        assertThat(fifth.reason()).isEqualTo("5 crashes within 1m (5 restarts allowed); restarting in 16s");
        RestartDecision sixth = h.onCrash(t0.plusSeconds(36));
        assertThat(sixth.giveUp()).isTrue();
        assertThat(sixth.reason()).isEqualTo("6 crashes within 1m, more than the 5 restarts allowed; giving up");
    }

    @Test
    void maxRestartsTwoAllowsTwoRestartsAndGivesUpAtTheThirdCrash() {
        CrashHistory h = new CrashHistory(RestartPolicy.DEFAULT.withLimits(2, Duration.ofMinutes(1)));
        assertThat(h.onCrash(t0).reason()).isEqualTo("1 crash within 1m (2 restarts allowed); restarting in 1s");
        assertThat(h.onCrash(t0.plusSeconds(2)).giveUp()).isFalse();
        RestartDecision third = h.onCrash(t0.plusSeconds(5));
        assertThat(third.giveUp()).isTrue();
        assertThat(third.reason()).isEqualTo("3 crashes within 1m, more than the 2 restarts allowed; giving up");
        assertThat(new CrashHistory(RestartPolicy.DEFAULT.withLimits(1, Duration.ofMinutes(1))).onCrash(t0).reason())
                .isEqualTo("1 crash within 1m (1 restart allowed); restarting in 1s");
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
