package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stepwise.train.LossCurve;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlotsTest {

    @Test
    void theMovingAverageOfARampLagsItByHalfTheWindow() {
        List<LossCurve.Point> ramp = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            ramp.add(new LossCurve.Point(i, i));
        }

        List<LossCurve.Point> avg = Plots.movingAverage(ramp, 10);

        assertThat(avg).isNotEmpty();
        for (LossCurve.Point p : avg) {
            // the mean of steps s-9 .. s is s - 4.5
            assertThat(p.loss()).isCloseTo(p.step() - 4.5, within(1e-9));
        }
        assertThat(avg.get(0).step()).isEqualTo(10);
        assertThat(avg.get(avg.size() - 1).step()).isGreaterThan(95);
    }
}
