package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.tensor.ParameterSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SumTrainerTest {

    private static final ModelMeta META = new ModelMeta("sum", 1, Map.of());

    /**
     * A few seconds of training: a small LSTM on sums of up to 8 numbers. A small network needs a
     * larger input gain and learning rate than the default run to get anywhere in 400 steps.
     */
    private static SumTrainer.Options brief() {
        return SumTrainer.Options.gradientTrained().withSize(16, 8).withSteps(400).withBatchSize(32)
                .withCurriculum(4, 0.3, 0.25).withScales(100f, 1000f).withLearningRates(1e-2, 1e-4);
    }

    @Test
    void aBrieflyTrainedModelBeatsPredictingZeroByFar() {
        SumTrainer.Result r = new SumTrainer(brief()).train(META, TrainingListener.NONE);

        List<SumEvaluation.Row> rows = SumEvaluation.evaluate(r.model(), 8, 500, 99);

        assertThat(rows).extracting(SumEvaluation.Row::length).containsExactly(2, 4, 8);
        for (SumEvaluation.Row row : rows) {
            double variance = row.stdTrueSum() * row.stdTrueSum();
            // predicting the mean (0) would score the variance of the sum; a trained model is far below
            assertThat(row.meanSquaredError()).as("length %d", row.length()).isLessThan(0.05 * variance);
        }
    }

    @Test
    void theSameSeedGivesBitIdenticalWeights() {
        SumTrainer.Options opts = brief().withSteps(30);

        ParameterSet a = new SumTrainer(opts).train(META, TrainingListener.NONE).model().parameters();
        ParameterSet b = new SumTrainer(opts).train(META, TrainingListener.NONE).model().parameters();
        ParameterSet c = new SumTrainer(opts.withSeed(2)).train(META, TrainingListener.NONE).model().parameters();

        for (String name : a.asMap().keySet()) {
            assertThat(Arrays.equals(a.get(name).data(), b.get(name).data())).as(name).isTrue();
        }
        assertThat(Arrays.equals(a.get("linear.weight").data(), c.get("linear.weight").data())).isFalse();
    }

    @Test
    void theListenerSeesEveryStepAndEpochAndTheModelKeepsItsScales() {
        SumTrainer.Options opts = brief().withSteps(250);
        List<TrainingListener.Batch> batches = new ArrayList<>();
        List<TrainingListener.Epoch> epochs = new ArrayList<>();

        SumTrainer.Result r = new SumTrainer(opts).train(META, new TrainingListener() {
            @Override
            public void batchDone(Batch b) {
                batches.add(b);
            }

            @Override
            public void epochDone(Epoch e) {
                epochs.add(e);
            }
        });

        assertThat(r.steps()).isEqualTo(250);
        assertThat(batches).hasSize(250);
        assertThat(batches.get(249).progress()).isEqualTo(1.0);
        assertThat(epochs).hasSize(3);
        assertThat(epochs.get(2).metrics().get("max_length")).isEqualTo(8.0);
        SumModel m = r.model();
        assertThat(m.inputScale()).isEqualTo(opts.inputScale());
        assertThat(m.targetScale()).isEqualTo(opts.targetScale());
    }

    @Test
    void theCurriculumGrowsFromTheStartLengthToTheLongest() {
        SumTrainer t = new SumTrainer(SumTrainer.Options.gradientTrained().withCurriculum(8, 0.5, 0));

        assertThat(t.currentMaxLength(0)).isEqualTo(8);
        assertThat(t.currentMaxLength(0.25)).isEqualTo(45);
        assertThat(t.currentMaxLength(0.5)).isEqualTo(256);
        assertThat(t.currentMaxLength(0.9)).isEqualTo(256);
    }

    @Test
    void theInitialisationStartsEveryCellAsAnIntegrator() {
        SumTrainer.Options opts = SumTrainer.Options.gradientTrained().withSize(8, 16);
        SumModel m = new SumTrainer(opts).newModel(META);
        int h = 8;
        float[] bih = m.parameters().get("lstm.bias_ih_l0").data();
        float[] bhh = m.parameters().get("lstm.bias_hh_l0").data();
        float[] whh = m.parameters().get("lstm.weight_hh_l0").data();

        float bound = (float) (1 / Math.sqrt(h));
        for (int j = h; j < 2 * h; j++) {
            // PyTorch's default U(-1/sqrt(H), 1/sqrt(H)) for each bias, shifted by the forget bias
            assertThat(bih[j] + bhh[j]).isBetween(opts.forgetBias() - 2 * bound, opts.forgetBias() + 2 * bound);
        }
        for (int j = 2 * h; j < 3 * h; j++) {
            assertThat(bih[j] + bhh[j]).isZero();
            for (int k = 0; k < h; k++) {
                assertThat(whh[j * h + k]).isZero();
            }
        }
    }

    @Test
    void streamsTrainedInChunksAreSummedPastTheFirstChunk() {
        // streams of 32 in chunks of 8: positions 9..32 are right only if each chunk continues
        // from where the last one left the state (their targets run on from the stream's start)
        SumTrainer.Options opts = brief().withSize(16, 32).withChunkLength(8).withSteps(600);

        SumTrainer.Result r = new SumTrainer(opts).train(META, TrainingListener.NONE);

        for (SumEvaluation.Row row : SumEvaluation.evaluate(r.model(), 32, 300, 99)) {
            double variance = row.stdTrueSum() * row.stdTrueSum();
            assertThat(row.meanSquaredError()).as("length %d", row.length()).isLessThan(0.05 * variance);
        }
    }

    @Test
    void theDefaultRecipeFitsTheReadoutWithoutGradientStepsAndSumsBeyondItsStreams() {
        SumTrainer.Options opts = SumTrainer.Options.defaults().withSize(16, 1024).withBatchSize(16);

        SumTrainer.Result r = new SumTrainer(opts).train(META, TrainingListener.NONE);

        assertThat(r.steps()).isZero();
        // streams of 1,024 in the fit; sums of 2,048 numbers too
        for (SumEvaluation.Row row : SumEvaluation.evaluate(r.model(), 2048, 100, 98)) {
            assertThat(row.relativeError()).as("length %d", row.length()).isLessThan(1e-3);
        }
    }

    @Test
    void runsWithoutStepsOrMinutesMustFitTheReadout() {
        SumTrainer.Options none = SumTrainer.Options.defaults();

        assertThat(none.steps()).isZero();
        assertThat(none.minutes()).isZero();
        assertThatThrownBy(() -> none.withReadoutFit(false)).hasMessageContaining("must fit the read-out");
        assertThatThrownBy(() -> none.withSteps(10).withMinutes(1).withSteps(5).withMinutes(-1))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> none.withChunkLength(0)).hasMessageContaining("chunk length");
        assertThatThrownBy(() -> none.withMultiScale(true).withInit(20f, false)).hasMessageContaining("needs integratorInit");
    }
}
