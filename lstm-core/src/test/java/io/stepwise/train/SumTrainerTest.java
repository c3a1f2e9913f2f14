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
    private static SumTrainer.Builder brief() {
        return SumTrainer.gradientRecipe().toBuilder().hiddenSize(16).maxLength(8).steps(400).batchSize(32)
                .startLength(4).curriculumShare(0.3).shortShare(0.25).inputScale(100f).targetScale(1000f)
                .learningRate(1e-2).finalLearningRate(1e-4);
    }

    @Test
    void aBrieflyTrainedModelBeatsPredictingZeroByFar() {
        SumTrainer.Result r = new SumTrainer(brief().build()).train(META, TrainingListener.NONE);

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
        SumTrainer.Settings opts = brief().steps(30).build();

        ParameterSet a = new SumTrainer(opts).train(META, TrainingListener.NONE).model().parameters();
        ParameterSet b = new SumTrainer(opts).train(META, TrainingListener.NONE).model().parameters();
        ParameterSet c = new SumTrainer(opts.toBuilder().seed(2).build()).train(META, TrainingListener.NONE).model().parameters();

        for (String name : a.asMap().keySet()) {
            assertThat(a.get(name).data()).as(name).containsExactly(b.get(name).data());
        }
        assertThat(a.get("linear.weight").data()).as("linear.weight, another seed").isNotEqualTo(c.get("linear.weight").data());
    }

    @Test
    void theListenerSeesEveryStepAndEpochAndTheModelKeepsItsScales() {
        SumTrainer.Settings opts = brief().steps(250).build();
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
        SumTrainer t = new SumTrainer(SumTrainer.gradientRecipe().toBuilder().startLength(8).curriculumShare(0.5).shortShare(0).build());

        assertThat(t.currentMaxLength(0)).isEqualTo(8);
        assertThat(t.currentMaxLength(0.25)).isEqualTo(45);
        assertThat(t.currentMaxLength(0.5)).isEqualTo(256);
        assertThat(t.currentMaxLength(0.9)).isEqualTo(256);
    }

    @Test
    void theInitialisationStartsEveryCellAsAnIntegrator() {
        SumTrainer.Settings opts = SumTrainer.gradientRecipe().toBuilder().hiddenSize(8).maxLength(16).build();
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
        SumTrainer.Settings opts = brief().maxLength(32).chunkLength(8).steps(600).build();

        SumTrainer.Result r = new SumTrainer(opts).train(META, TrainingListener.NONE);

        for (SumEvaluation.Row row : SumEvaluation.evaluate(r.model(), 32, 300, 99)) {
            double variance = row.stdTrueSum() * row.stdTrueSum();
            assertThat(row.meanSquaredError()).as("length %d", row.length()).isLessThan(0.05 * variance);
        }
    }

    @Test
    void theDefaultRecipeFitsTheReadoutWithoutGradientStepsAndSumsBeyondItsStreams() {
        SumTrainer.Settings opts = SumTrainer.Settings.builder().hiddenSize(16).maxLength(1024).batchSize(16).build();

        SumTrainer.Result r = new SumTrainer(opts).train(META, TrainingListener.NONE);

        assertThat(opts.recipe()).isEqualTo(SumTrainer.Recipe.FITTED);
        assertThat(r.steps()).isZero();
        assertThat(SumTrainer.Recipe.of(r.model())).as("the weights show the recipe").isEqualTo(SumTrainer.Recipe.FITTED);
        // streams of 1,024 in the fit; sums of 2,048 numbers too
        for (SumEvaluation.Row row : SumEvaluation.evaluate(r.model(), 2048, 100, 98)) {
            assertThat(row.relativeError()).as("length %d", row.length()).isLessThan(1e-3);
        }
    }

    @Test
    void theFittedRecipeTakesNoStepsAndOneLayerAndMustFitTheReadout() {
        SumTrainer.Settings none = SumTrainer.Settings.defaults();

        assertThat(none.steps()).isZero();
        assertThat(none.minutes()).isZero();
        assertThatThrownBy(() -> none.toBuilder().fitReadout(false).build()).hasMessageContaining("fitReadout must be on");
        assertThatThrownBy(() -> none.toBuilder().steps(10).build()).hasMessageContaining("takes no gradient steps");
        assertThatThrownBy(() -> none.toBuilder().minutes(1).build()).hasMessageContaining("takes no gradient steps");
        assertThatThrownBy(() -> none.toBuilder().numLayers(2).build()).hasMessageContaining("one layer");
        assertThatThrownBy(() -> none.toBuilder().chunkLength(0).build()).hasMessageContaining("chunk length");
        assertThatThrownBy(() -> SumTrainer.gradientRecipe().toBuilder().minutes(-1).build()).hasMessageContaining("positive");
        assertThatThrownBy(() -> none.toBuilder().recipe(null).build()).hasMessageContaining("recipe");
    }

    @Test
    void aGradientTrainedModelIsNotTakenForAFittedOne() {
        SumModel m = new SumTrainer(SumTrainer.gradientRecipe().toBuilder().hiddenSize(8).maxLength(16).build()).newModel(META);

        assertThat(SumTrainer.Recipe.of(m)).isEqualTo(SumTrainer.Recipe.GRADIENT);
    }

    @Test
    void refittingAFittedModelsReadoutOnGivenSequencesKeepsItsCellsAndSums() {
        SumTrainer trainer = new SumTrainer(SumTrainer.Settings.builder().hiddenSize(16).maxLength(512).batchSize(16).chunkLength(64).build());
        SumModel m = trainer.newModel(META);
        float[] cells = m.parameters().get("lstm.weight_ih_l0").data().clone();
        // given sequences: 48 of 100 to 400 numbers, some drifting, their running sums as targets
        SumData data = new SumData(17);
        List<SumSequence> given = new java.util.ArrayList<>();
        for (int i = 0; i < 48; i++) {
            double[] v = data.sequence(100 + 25 * (i % 13), 1.0);
            for (int k = 0; k < v.length && i % 3 == 0; k++) {
                v[k] = Math.min(99, v[k] + 20);
            }
            given.add(SumSequence.runningSums(v));
        }

        trainer.refitReadout(m, given);

        assertThat(m.parameters().get("lstm.weight_ih_l0").data()).as("the cells stay as built").containsExactly(cells);
        assertThat(SumTrainer.Recipe.of(m)).isEqualTo(SumTrainer.Recipe.FITTED);
        // fresh sequences, longer than any given one (chunks of 64 carried their state)
        for (SumEvaluation.Row row : SumEvaluation.evaluate(m, 1024, 100, 5)) {
            assertThat(row.relativeError()).as("length %d", row.length()).isLessThan(2e-3);
        }
        assertThatThrownBy(() -> trainer.refitReadout(m, List.of())).hasMessageContaining("no training sequences");
    }
}
