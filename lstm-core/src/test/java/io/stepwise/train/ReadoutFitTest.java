package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import java.util.List;
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
        SumTrainer.Settings opts = SumTrainer.Settings.builder().hiddenSize(32).maxLength(16).steps(1).fitReadout(true).build();
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
}
