package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stepwise.lstm.LstmState;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MultiScaleIntegratorsTest {

    private static final ModelMeta META = new ModelMeta("sum", 1, Map.of());

    private static SumTrainer.Settings options(int hidden, int maxLength) {
        return SumTrainer.Settings.builder().hiddenSize(hidden).maxLength(maxLength).forgetBias(20f).build();
    }

    @Test
    void everyCellHoldsHalfTheSumOfItsSquashedInputsWhateverTheOrder() {
        int h = 6;
        SumModel m = new SumTrainer(options(h, 16)).newModel(META);
        SplittableRandom rng = new SplittableRandom(3);
        double[] values = new double[500];
        for (int i = 0; i < values.length; i++) {
            values[i] = -100 + rng.nextInt(200);
        }
        LstmState state = LstmState.zeros(m.lstmConfig());
        SumModel.Stepper stepper = m.newStepper();
        for (double v : values) {
            stepper.step(v, state);
        }

        for (int j = 0; j < h; j++) {
            // gains log-spaced from 1/32 to 2, alternating in sign: 1/32 * 64^(j / 5)
            double gain = Math.pow(-1, j) / 32 * Math.pow(64, j / 5.0);
            double c = 0;
            for (double v : values) {
                c += 0.5 * Math.tanh(gain * v / m.inputScale()); // i = 1/2, f = sigmoid(20) = 1 - 2e-9
            }
            assertThat(state.c(0)[j]).as("c of cell %d", j).isCloseTo((float) c, within(1e-5f));
            assertThat(state.h(0)[j]).as("h of cell %d", j).isCloseTo((float) (0.5 * Math.tanh(c)), within(1e-5f));
        }
    }

    @Test
    void onlyTheCellCandidatesSeeTheInputAndNoGateSeesTheState() {
        int h = 4;
        SumModel m = new SumTrainer(options(h, 16)).newModel(META);
        float[] wih = m.parameters().get("lstm.weight_ih_l0").data();
        float[] whh = m.parameters().get("lstm.weight_hh_l0").data();
        float[] bih = m.parameters().get("lstm.bias_ih_l0").data();
        float[] bhh = m.parameters().get("lstm.bias_hh_l0").data();

        for (float w : whh) {
            assertThat(w).isZero();
        }
        for (int r = 0; r < 4 * h; r++) {
            boolean candidate = r >= 2 * h && r < 3 * h;
            assertThat(wih[r] != 0).as("input weight of row %d", r).isEqualTo(candidate);
            boolean forget = r >= h && r < 2 * h;
            assertThat(bih[r] + bhh[r]).as("bias of row %d", r).isEqualTo(forget ? 20f : 0f);
        }
    }

    @Test
    void withAFittedReadoutTheUntrainedCellsSumFarBeyondTheFitsLength() {
        SumTrainer trainer = new SumTrainer(options(16, 512).toBuilder().batchSize(16).build());
        SumModel m = trainer.newModel(META);
        trainer.fitReadout(m, new SumData(5));

        // the fit saw streams of 512; the sums of 2,048 numbers are twice as spread
        List<SumEvaluation.Row> rows = SumEvaluation.evaluate(m, 2048, 100, 9);

        for (SumEvaluation.Row r : rows) {
            assertThat(r.relativeError()).as("length %d", r.length()).isLessThan(1e-3);
        }
    }
}
