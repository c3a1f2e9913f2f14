package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SumEvaluationTest {

    @Test
    void lengthsDoubleFromTwoUpToTheLongest() {
        assertThat(SumEvaluation.lengths(256)).containsExactly(2, 4, 8, 16, 32, 64, 128, 256);
        assertThat(SumEvaluation.lengths(100)).containsExactly(2, 4, 8, 16, 32, 64, 100);
        assertThat(SumEvaluation.lengths(2)).containsExactly(2);
    }

    @Test
    void theErrorIsThatOfTheModelsStepwiseRunningSumOnFreshSequences() {
        SumModel model = new SumModel(new ModelMeta("sum", 1, Map.of()), 4, 1, 100f, 100f).initRandom(3);

        List<SumEvaluation.Row> rows = SumEvaluation.evaluate(model, 4, 200, 5);

        // the same sequences, drawn again, scored through runningSums
        SumData data = new SumData(5);
        for (SumEvaluation.Row row : rows) {
            double se = 0;
            double se2 = 0;
            double s1 = 0;
            double s2 = 0;
            for (int i = 0; i < 200; i++) {
                double[] v = data.sequence(row.length(), 1.0);
                double[] pred = model.runningSums(v);
                double sum = java.util.Arrays.stream(v).sum();
                double e = (pred[pred.length - 1] - sum) * (pred[pred.length - 1] - sum);
                se += e;
                se2 += e * e;
                s1 += sum;
                s2 += sum * sum;
            }
            double mse = se / 200;
            assertThat(row.meanSquaredError()).isCloseTo(mse, within(1e-9 * mse));
            assertThat(row.stdSquaredError()).isCloseTo(Math.sqrt(se2 / 200 - mse * mse), within(1e-6 * mse));
            assertThat(row.rmse()).isCloseTo(Math.sqrt(mse), within(1e-9 * mse));
            assertThat(row.stdTrueSum()).isCloseTo(Math.sqrt(s2 / 200 - (s1 / 200) * (s1 / 200)), within(1e-6));
            // for scale: the spread of a sum of n uniform integers, sqrt(n * (200^2 - 1) / 12), within sampling error
            assertThat(row.stdTrueSum()).isCloseTo(Math.sqrt(row.length() * SumData.elementVariance()),
                    within(0.15 * Math.sqrt(row.length() * SumData.elementVariance())));
        }
    }
}
