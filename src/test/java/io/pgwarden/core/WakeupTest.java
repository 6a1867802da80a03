package io.pgwarden.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.testing.SteppingClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How loops wait: a wake-up ends the system clock's wait early; a fake clock advances instead of waiting. */
class WakeupTest {
    @Test
    void aWakeupEndsTheSystemClocksWaitAndIsNotLostWhenNobodyWaits() throws Exception {
        Wakeup wakeup = new Wakeup();
        wakeup.wake();
        assertThat(Clock.SYSTEM.await(Duration.ofHours(1), wakeup)).as("kept until the next wait").isTrue();

        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return Clock.SYSTEM.await(Duration.ofHours(1), wakeup);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofMillis(50))
                .until(() -> { wakeup.wake(); return waited.isDone(); });
        assertThat(waited.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aFakeClockAdvancesInsteadOfWaitingAndSaysWhetherItWasWoken() throws Exception {
        SteppingClock clock = new SteppingClock();
        Wakeup wakeup = new Wakeup();
        assertThat(clock.await(Duration.ofSeconds(10), wakeup)).isFalse();
        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(10));
        wakeup.wake();
        assertThat(clock.await(Duration.ofSeconds(10), wakeup)).isTrue();
        assertThat(clock.sleeps()).as("woken already: no time passes").hasSize(1);
    }
}
