package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SumDataTest {

    @Test
    void everyPositionHoldsAUniformIntegerWhenNumProbIsOne() {
        double[] v = new SumData(1).sequence(200_000, 1.0);

        assertThat(Arrays.stream(v).allMatch(x -> x >= -100 && x < 100 && x == Math.rint(x))).isTrue();
        assertThat(Arrays.stream(v).min().orElseThrow()).isEqualTo(-100);
        assertThat(Arrays.stream(v).max().orElseThrow()).isEqualTo(99);
        double mean = Arrays.stream(v).average().orElseThrow();
        double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
        // discrete uniform on 200 values: mean -0.5, variance (200^2 - 1) / 12
        assertThat(mean).isCloseTo(-0.5, within(0.5));
        assertThat(var).isCloseTo(SumData.elementVariance(), within(0.02 * SumData.elementVariance()));
    }

    @Test
    void numProbIsTheShareOfPositionsThatHoldANumber() {
        double[] v = new SumData(2).sequence(100_000, 0.3);

        long zeros = Arrays.stream(v).filter(x -> x == 0).count();
        // 70% empty positions, plus the 0.3 * 1/200 drawn zeros
        assertThat(zeros / 1e5).isCloseTo(0.7 + 0.3 / 200, within(0.01));
    }

    @Test
    void aBatchIsSeqFirstWithRunningSumsAndTheSameSeedRepeatsIt() {
        int steps = 5;
        int batch = 3;
        float[] values = new float[steps * batch];
        float[] sums = new float[steps * batch];
        new SumData(7).batch(steps, batch, 1.0, values, sums);
        float[] again = new float[steps * batch];
        new SumData(7).batch(steps, batch, 1.0, again, new float[steps * batch]);

        assertThat(again).containsExactly(values);
        for (int b = 0; b < batch; b++) {
            float s = 0;
            for (int t = 0; t < steps; t++) {
                s += values[t * batch + b];
                assertThat(sums[t * batch + b]).isEqualTo(s);
            }
        }
    }
}
