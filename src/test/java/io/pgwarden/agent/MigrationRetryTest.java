package io.pgwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.agent.MigrationRetry.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MigrationRetryTest {

    @Test
    void failuresOutsideTheFilesBackOffDoublingUpToTheCap() {
        MigrationRetry retry = MigrationRetry.defaults();
        assertThat(retry.after(Outcome.RETRY)).isEqualTo(Duration.ofSeconds(5));
        assertThat(retry.after(Outcome.RETRY)).isEqualTo(Duration.ofSeconds(10));
        assertThat(retry.after(Outcome.RETRY)).isEqualTo(Duration.ofSeconds(20));
        assertThat(retry.after(Outcome.RETRY)).isEqualTo(Duration.ofSeconds(40));
        assertThat(retry.after(Outcome.RETRY)).isEqualTo(Duration.ofSeconds(80));
        assertThat(retry.after(Outcome.RETRY)).isEqualTo(Duration.ofMinutes(2));
        assertThat(retry.after(Outcome.RETRY)).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void problemsInTheFilesOrHistoryAreRecheckedAtAFixedPeriodAndResetTheBackoff() {
        MigrationRetry retry = MigrationRetry.defaults();
        retry.after(Outcome.RETRY);
        retry.after(Outcome.RETRY);
        assertThat(retry.after(Outcome.CHECK_AGAIN)).isEqualTo(Duration.ofSeconds(30));
        assertThat(retry.after(Outcome.CHECK_AGAIN)).isEqualTo(Duration.ofSeconds(30));
        assertThat(retry.after(Outcome.RETRY)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aSuccessfulRunSchedulesNothingAndResetsTheBackoff() {
        MigrationRetry retry = new MigrationRetry(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMillis(500));
        assertThat(retry.after(Outcome.RETRY)).isEqualTo(Duration.ofMillis(200));
        assertThat(retry.after(Outcome.RETRY)).isEqualTo(Duration.ofMillis(400));
        assertThat(retry.after(Outcome.UP_TO_DATE)).isNull();
        assertThat(retry.after(Outcome.RETRY)).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void refusesIntervalsThatCannotWork() {
        assertThatThrownBy(() -> new MigrationRetry(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retry intervals must be positive and max >= first: PT0S, PT1S, PT1S");
        assertThatThrownBy(() -> new MigrationRetry(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
