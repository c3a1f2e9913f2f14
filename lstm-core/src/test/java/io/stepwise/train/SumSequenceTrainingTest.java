package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sum regressor trained on given sequences (a stream of labelled examples) rather than generated ones. */
class SumSequenceTrainingTest {

    private static final ModelMeta META = new ModelMeta("sum", 1, Map.of());

    private static SumTrainer.Settings options() {
        return SumTrainer.gradientRecipe().toBuilder().hiddenSize(12).maxLength(8).steps(1).batchSize(16)
                .inputScale(100f).targetScale(1000f).learningRate(1e-2).finalLearningRate(1e-2).threads(1).build();
    }

    private static List<SumSequence> sequences(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<SumSequence> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] v = new double[2 + rng.nextInt(5)];
            for (int t = 0; t < v.length; t++) {
                v[t] = rng.nextInt(200) - 100;
            }
            out.add(SumSequence.runningSums(v));
        }
        return out;
    }

    @Test
    void runningSumsAreTheTargetsUnlessGiven() {
        SumSequence s = SumSequence.runningSums(new double[]{3, -5, 7});
        assertThat(s.targets()).containsExactly(3, -2, 5);
    }

    @Test
    void theFitIsTheErrorOfTheStepwiseReadoutAtEveryPosition() {
        SumModel model = new SumTrainer(options()).newModel(META);
        List<SumSequence> data = sequences(5, 1);

        SumEvaluation.Fit fit = SumEvaluation.fit(model, data);

        double sq = 0;
        double lastSq = 0;
        long n = 0;
        for (SumSequence s : data) {
            double state = 0;
            // an independent readout: one step at a time through the stepper, the streaming path
            SumModel.Stepper stepper = model.newStepper();
            io.stepwise.lstm.LstmState st = io.stepwise.lstm.LstmState.zeros(model.lstmConfig());
            for (int t = 0; t < s.length(); t++) {
                state = stepper.step(s.values()[t], st);
                sq += (state - s.targets()[t]) * (state - s.targets()[t]);
                n++;
            }
            lastSq += (state - s.targets()[s.length() - 1]) * (state - s.targets()[s.length() - 1]);
        }
        assertThat(fit.positions()).isEqualTo(n);
        assertThat(fit.rmse()).isCloseTo(Math.sqrt(sq / n), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(fit.finalRmse()).isCloseTo(Math.sqrt(lastSq / data.size()), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void trainingOnGivenSequencesLowersTheErrorOnHeldOutOnes() {
        SumTrainer trainer = new SumTrainer(options());
        SumModel model = trainer.newModel(META);
        List<SumSequence> train = sequences(200, 2);
        List<SumSequence> heldOut = sequences(50, 3);
        double before = SumEvaluation.fit(model, heldOut).rmse();

        SumTrainer.Result r = trainer.train(model, train, 15, null, TrainingListener.NONE);

        assertThat(r.steps()).isEqualTo(15 * ((200 + 15) / 16));
        assertThat(SumEvaluation.fit(model, heldOut).rmse()).isLessThan(before / 2);
    }

    @Test
    void givenTargetsAreWhatItLearns() {
        // targets twice the running sum: a model trained on them reads out about twice as much
        List<SumSequence> train = new ArrayList<>();
        for (SumSequence s : sequences(200, 4)) {
            double[] t = s.targets().clone();
            for (int i = 0; i < t.length; i++) {
                t[i] *= 2;
            }
            train.add(new SumSequence(s.values(), t));
        }
        SumTrainer trainer = new SumTrainer(options());
        SumModel model = trainer.newModel(META);
        trainer.train(model, train, 15, null, TrainingListener.NONE);

        double[] probe = {50, 40, 30};
        double predicted = model.runningSums(probe)[2];
        assertThat(predicted).isGreaterThan(120 * 1.5);
    }

    @Test
    void aTrainingBudgetStopsTheRunEarly() {
        SumTrainer trainer = new SumTrainer(options());
        SumTrainer.Result r = trainer.train(trainer.newModel(META), sequences(100, 5), 50, Duration.ZERO, TrainingListener.NONE);
        assertThat(r.steps()).isEqualTo(1);
    }
}
