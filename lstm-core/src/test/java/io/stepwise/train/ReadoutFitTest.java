package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.testing.TestArrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadoutFitTest {

    @Test
    void solvesALinearSystemThatNeedsPivoting() {
        double[][] a = {{0, 2, 1}, {1, 1, 1}, {2, 1, 3}};
        double[] b = {7, 6, 13};

        double[] x = ReadoutFit.solve(a, b);

        // x = (1, 2, 3): 0+4+3, 1+2+3, 2+2+9
        assertThat(x[0]).isCloseTo(1, within(1e-12));
        assertThat(x[1]).isCloseTo(2, within(1e-12));
        assertThat(x[2]).isCloseTo(3, within(1e-12));
    }

    @Test
    void anUntrainedIntegratorLstmWithAFittedReadoutAlreadySums() {
        SumTrainer.Settings opts = SumTrainer.gradientRecipe().toBuilder().hiddenSize(32).maxLength(16).steps(1).fitReadout(true).build();
        SumModel untrained = new SumTrainer(opts).newModel(new ModelMeta("sum", 1, Map.of()));
        List<SumEvaluation.Row> before = SumEvaluation.evaluate(untrained, 16, 300, 1);

        SumModel fitted = new SumTrainer(opts).newModel(new ModelMeta("sum", 1, Map.of()));
        SumTrainer trainer = new SumTrainer(opts);
        int steps = 16;
        int batch = 256;
        float[] x = new float[steps * batch];
        float[] y = new float[steps * batch];
        new SumData(9).batch(steps, batch, 1.0, x, y);
        for (int i = 0; i < x.length; i++) {
            x[i] /= fitted.inputScale();
            y[i] /= fitted.targetScale();
        }
        ReadoutFit.fit(fitted, x, y, trainer.lossWeights(steps, batch), steps, batch, SumTrainer.READOUT_RIDGE);
        List<SumEvaluation.Row> after = SumEvaluation.evaluate(fitted, 16, 300, 1);

        for (int i = 0; i < after.size(); i++) {
            double variance = after.get(i).stdTrueSum() * after.get(i).stdTrueSum();
            assertThat(before.get(i).meanSquaredError()).isGreaterThan(0.5 * variance);
            assertThat(after.get(i).meanSquaredError()).as("length %d", after.get(i).length()).isLessThan(0.01 * variance);
        }
    }

    @Test
    void rowsAddedInChunksGiveTheFitOfAllRowsAtOnce() {
        int h = 3;
        SplittableRandom rng = new SplittableRandom(2);
        int n = 40;
        float[] out = TestArrays.uniform(rng, n * h, 1);
        float[] y = new float[n];
        float[] w = new float[n];
        for (int r = 0; r < n; r++) {
            // y = 2 h0 - h1 + 0.5 h2 + 0.25, exactly, so any fit without ridge recovers it
            y[r] = 2 * out[r * h] - out[r * h + 1] + 0.5f * out[r * h + 2] + 0.25f;
            w[r] = 1 + r % 3;
        }
        SumModel whole = new SumModel(new ModelMeta("sum", 1, Map.of()), h, 1, 1f, 1f);
        SumModel chunked = new SumModel(new ModelMeta("sum", 1, Map.of()), h, 1, 1f, 1f);

        ReadoutFit all = new ReadoutFit(h);
        all.add(out, y, w, n);
        all.apply(whole, 1e-12);
        ReadoutFit parts = new ReadoutFit(h);
        parts.add(java.util.Arrays.copyOfRange(out, 0, 15 * h), java.util.Arrays.copyOfRange(y, 0, 15),
                java.util.Arrays.copyOfRange(w, 0, 15), 15);
        parts.add(java.util.Arrays.copyOfRange(out, 15 * h, n * h), java.util.Arrays.copyOfRange(y, 15, n),
                java.util.Arrays.copyOfRange(w, 15, n), n - 15);
        parts.apply(chunked, 1e-12);

        assertThat(whole.linear().weight().data()).containsExactly(new float[]{2f, -1f, 0.5f}, within(1e-5f));
        assertThat(whole.linear().bias().data()[0]).isCloseTo(0.25f, within(1e-5f));
        assertThat(chunked.linear().weight().data()).containsExactly(whole.linear().weight().data(), within(1e-6f));
        assertThat(chunked.linear().bias().data()[0]).isCloseTo(whole.linear().bias().data()[0], within(1e-6f));
    }
}
