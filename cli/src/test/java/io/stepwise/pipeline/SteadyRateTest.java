package io.stepwise.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The rate after the warm-up, from append times worked out by hand. */
class SteadyRateTest {

    @Test
    void evenlySpacedResultsGiveTheirRate() {
        SteadyRate r = new SteadyRate();
        // 101 results 10 ms apart: 100 per second whatever the warm-up leaves out
        for (int i = 100; i >= 0; i--) {
            r.add(1_000_000 + 10L * i);
        }
        assertThat(r.perSecond()).isCloseTo(100.0, within(1e-9));
        // counted from the 20th result (t = 200 ms after the first) to the 101st (t = 1000 ms)
        assertThat(r.windowSeconds()).isCloseTo(0.8, within(1e-9));
    }

    @Test
    void aSlowStartIsLeftOut() {
        SteadyRate r = new SteadyRate();
        // the first 20 of 100 results trickle in over 10 s (the warm-up); the other 80 come 1 ms apart
        for (int i = 0; i < 20; i++) {
            r.add(500L * i);
        }
        for (int i = 0; i < 80; i++) {
            r.add(20_000 + i);
        }
        // from the result at the 20% mark (the first fast one, t = 20000) to the last (t = 20079): 79 results in 79 ms
        assertThat(r.perSecond()).isCloseTo(1000.0, within(1e-9));
        assertThat(r.count()).isEqualTo(100);
    }

    @Test
    void resultsAllInOneMillisecondHaveNoMeasurableRate() {
        SteadyRate r = new SteadyRate();
        for (int i = 0; i < 10; i++) {
            r.add(42);
        }
        assertThat(r.perSecond()).isNaN();
        assertThat(new SteadyRate().perSecond()).isNaN();
    }
}
