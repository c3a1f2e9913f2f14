package io.stepwise.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles, checked against values worked out by hand. */
class LatencyRecorderTest {

    @Test
    void percentilesOfOneToAHundredAreTheirRanks() {
        LatencyRecorder r = new LatencyRecorder();
        List<Integer> shuffled = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            shuffled.add(i);
        }
        Collections.shuffle(shuffled, new Random(7));
        shuffled.forEach(r::add);

        assertThat(r.count()).isEqualTo(100);
        assertThat(r.percentile(50)).isEqualTo(50);
        assertThat(r.percentile(99)).isEqualTo(99);
        assertThat(r.percentile(1)).isEqualTo(1);
        assertThat(r.max()).isEqualTo(100);
    }

    @Test
    void aPercentileIsTheSmallestSampleThatEnoughSamplesDoNotExceed() {
        LatencyRecorder r = new LatencyRecorder();
        // 10, 20, 30, 40: the median by nearest rank is the 2nd (ceil(0.5 * 4)), not an interpolation
        for (int v : new int[]{40, 10, 30, 20}) {
            r.add(v);
        }
        assertThat(r.percentile(50)).isEqualTo(20);
        assertThat(r.percentile(50.1)).isEqualTo(30);
        assertThat(r.percentile(99)).isEqualTo(40);
    }

    @Test
    void oneSlowElementInAThousandIsTheMaxButNotTheP99() {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 0; i < 999; i++) {
            r.add(5);
        }
        r.add(9000);
        assertThat(r.percentile(50)).isEqualTo(5);
        assertThat(r.percentile(99)).isEqualTo(5);
        assertThat(r.percentile(99.95)).isEqualTo(9000);
        assertThat(r.max()).isEqualTo(9000);
    }

    @Test
    void samplesAddedAfterAQueryCount() {
        LatencyRecorder r = new LatencyRecorder();
        r.add(3);
        assertThat(r.max()).isEqualTo(3);
        r.add(1);
        r.add(2);
        assertThat(r.percentile(50)).isEqualTo(2);
        assertThat(r.max()).isEqualTo(3);
    }

    @Test
    void manySamplesGrowTheStore() {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 10_000; i >= 1; i--) {
            r.add(i);
        }
        assertThat(r.percentile(99)).isEqualTo(9900);
        assertThat(r.percentile(50)).isEqualTo(5000);
    }

    @Test
    void withoutSamplesThereIsNoPercentile() {
        LatencyRecorder r = new LatencyRecorder();
        assertThat(r.percentile(50)).isEqualTo(-1);
        assertThat(r.max()).isEqualTo(-1);
        assertThatThrownBy(() -> r.percentile(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNegativeLatencyFromClocksAMillisecondApartCountsAsZero() {
        LatencyRecorder r = new LatencyRecorder();
        r.add(-1);
        assertThat(r.max()).isZero();
    }
}
