package io.pgwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one stop request: the first reason wins, listeners hear it once, late listeners at once. */
class StopSignalTest {
    @Test
    void theFirstRequestWinsAndEveryListenerHearsItOnce() throws Exception {
        StopSignal stop = StopSignal.manual();
        List<String> heard = new ArrayList<>();
        stop.onStop(() -> heard.add("early"));
        assertThat(stop.isRequested()).isFalse();
        assertThat(stop.await(1)).isFalse();

        stop.request("SIGTERM");
        stop.request("end of supervision");
        stop.onStop(() -> heard.add("late"));

        assertThat(stop.isRequested()).isTrue();
        assertThat(stop.await(1)).isTrue();
        assertThat(stop.reason()).isEqualTo("SIGTERM");
        assertThat(heard).containsExactly("early", "late");
    }
}
