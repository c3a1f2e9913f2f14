package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stepwise.lstm.LstmState;
import io.stepwise.model.CalibratedSumCarry;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The carry between two versions made by the default recipe, as a version swap in the job would use it. */
class SumCarryAcrossVersionsTest {

    private static SumModel fitted(int hidden) {
        SumTrainer.Settings o = SumTrainer.Settings.builder().hiddenSize(hidden).maxLength(1024).batchSize(16).build();
        return new SumTrainer(o).train(new ModelMeta("sum", 1, Map.of()), TrainingListener.NONE).model();
    }

    @Test
    void theNewVersionContinuesFromTheOldVersionsTotal() {
        SumModel old = fitted(8);
        SumModel next = fitted(16);
        CalibratedSumCarry carry = CalibratedSumCarry.calibrate(next, CalibratedSumCarry.Calibration.upTo(10000));
        SplittableRandom rng = new SplittableRandom(21);

        for (double drift : new double[]{-9, 0, 4, 9}) {
            // the old version runs a stream of 1,000 numbers drifting by about `drift` each
            LstmState oldState = LstmState.zeros(old.lstmConfig());
            SumModel.Stepper oldStepper = old.newStepper();
            double before = 0;
            for (int i = 0; i < 1000; i++) {
                before = oldStepper.step(Math.floor(drift - 90 + rng.nextDouble() * 180), oldState);
            }
            // swap: the new version's state for the old version's estimate, then 200 more numbers
            LstmState state = carry.stateFor(before);
            SumModel.Stepper stepper = next.newStepper();
            double added = 0;
            double after = 0;
            for (int i = 0; i < 200; i++) {
                double v = -100 + rng.nextInt(200);
                added += v;
                after = stepper.step(v, state);
                if (i == 0) {
                    assertThat(after).as("first output after the swap, drift %s", drift).isCloseTo(before + v, within(0.5));
                }
            }
            assertThat(after).as("200 numbers after the swap, drift %s", drift).isCloseTo(before + added, within(0.5));
        }
    }
}
