package io.stepwise.lstm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vectorised backward step through the gates, against the LSTM equations written out in float64. */
class GatesBackwardTest {

    @Test
    void vectorBodyAndScalarTailBothFollowTheChainRule() {
        // 37 cells: several full vectors at any lane count, and a scalar tail
        int h = 37;
        SplittableRandom rng = new SplittableRandom(4);
        float[] act = new float[4 * h];
        float[] cPrev = new float[h];
        float[] tanhC = new float[h];
        float[] dh = new float[h];
        float[] dc = new float[h];
        for (int j = 0; j < h; j++) {
            act[j] = (float) rng.nextDouble();                 // i = sigmoid(.)
            act[h + j] = (float) rng.nextDouble();             // f
            act[2 * h + j] = (float) (2 * rng.nextDouble() - 1); // g = tanh(.)
            act[3 * h + j] = (float) rng.nextDouble();         // o
            cPrev[j] = (float) (4 * rng.nextDouble() - 2);
            tanhC[j] = (float) Math.tanh(act[h + j] * cPrev[j] + act[j] * act[2 * h + j]);
            dh[j] = (float) (2 * rng.nextDouble() - 1);
            dc[j] = (float) (2 * rng.nextDouble() - 1);
        }
        float[] dcIn = dc.clone();
        float[] dz = new float[4 * h];

        StepKernel.gatesBackward(act, 0, h, cPrev, 0, tanhC, 0, dh, 0, dc, 0, dz, 0);

        for (int j = 0; j < h; j++) {
            double i = act[j];
            double f = act[h + j];
            double g = act[2 * h + j];
            double o = act[3 * h + j];
            double tc = tanhC[j];
            // c = f c' + i g, h = o tanh(c): dL/dc gathers the path through h and the one from step t+1
            double dC = dcIn[j] + dh[j] * o * (1 - tc * tc);
            assertThat(dz[j]).as("di %d", j).isCloseTo((float) (dC * g * i * (1 - i)), within(1e-6f));
            assertThat(dz[h + j]).as("df %d", j).isCloseTo((float) (dC * cPrev[j] * f * (1 - f)), within(1e-6f));
            assertThat(dz[2 * h + j]).as("dg %d", j).isCloseTo((float) (dC * i * (1 - g * g)), within(1e-6f));
            assertThat(dz[3 * h + j]).as("do %d", j).isCloseTo((float) (dh[j] * tc * o * (1 - o)), within(1e-6f));
            assertThat(dc[j]).as("dc' %d", j).isCloseTo((float) (dC * f), within(1e-6f));
        }
    }
}
