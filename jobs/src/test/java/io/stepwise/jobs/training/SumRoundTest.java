package io.stepwise.jobs.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.model.ModelKind;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.train.SumEvaluation;
import io.stepwise.train.SumTrainer;
import io.stepwise.wire.LabelledExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A training round on sum models: the fitted recipe's models get a new read-out, gradient-trained ones Adam steps. */
class SumRoundTest {

    private static TrainingSettings settings() {
        return TrainingSettings.builder().withoutKafka().kind(ModelKind.SUM).name("meter-sum").modelDir("file:///tmp/unused")
                .embeddingDim(1).hiddenSize(8).batchSize(16).learningRate(1e-2).minCount(1).roundEpochs(2).build();
    }

    /** Streams of 50 to 300 numbers, a third drifting upwards: longer and larger than the toy sums, to fit on. */
    private static List<LabelledExample> streams(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<LabelledExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] v = new double[50 + rng.nextInt(251)];
            double drift = i % 3 == 0 ? 15 : 0;
            for (int k = 0; k < v.length; k++) {
                v[k] = Math.min(99, rng.nextInt(200) - 100 + drift);
            }
            out.add(LabelledExample.sums(v, null));
        }
        return out;
    }

    private static float[] lstmWeights(SumModel m) {
        List<float[]> parts = new ArrayList<>();
        m.parameters().asMap().forEach((name, p) -> {
            if (name.startsWith(SumModel.LSTM)) {
                parts.add(p.data().clone());
            }
        });
        int n = parts.stream().mapToInt(a -> a.length).sum();
        float[] all = new float[n];
        int at = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, all, at, a.length);
            at += a.length;
        }
        return all;
    }

    @Test
    void aNewModelIsBuiltByTheFittedRecipeAndARoundRefitsOnlyItsReadout() {
        SumRound round = new SumRound(settings());
        List<LabelledExample> train = streams(60, 1);
        SumModel fresh = (SumModel) round.fresh("meter-sum", train);
        float[] cells = lstmWeights(fresh);
        float[] readoutBefore = fresh.linear().weight().data().clone();

        SumModel trained = (SumModel) round.train(fresh, train, 1);

        assertThat(SumTrainer.Recipe.of(trained)).isEqualTo(SumTrainer.Recipe.FITTED);
        assertThat(lstmWeights(trained)).as("the integrators stay as built").containsExactly(cells);
        assertThat(trained.linear().weight().data()).isNotEqualTo(readoutBefore);
        // held-out streams of the same kind, and fresh symmetric ones longer than any trained on
        Score score = round.score(trained, streams(20, 2));
        assertThat(score.value()).as("rmse of the running sums on held-out streams").isLessThan(1.0);
        for (SumEvaluation.Row row : SumEvaluation.evaluate(trained, 512, 100, 3)) {
            assertThat(row.relativeError()).as("length %d", row.length()).isLessThan(0.01);
        }
        assertThat(round.settings()).containsEntry("update", "least-squares read-out, LSTM kept (fitted recipe)");
    }

    @Test
    void aGradientTrainedModelTakesAdamStepsAsBefore() {
        SumRound round = new SumRound(settings());
        SumModel start = new SumTrainer(SumTrainer.gradientRecipe().toBuilder().hiddenSize(8).maxLength(16).steps(1).build())
                .newModel(new ModelMeta("meter-sum", 1, Map.of()));
        float[] cells = lstmWeights(start);

        SumModel trained = (SumModel) round.train(start, streams(30, 4), 1);

        assertThat(SumTrainer.Recipe.of(trained)).isEqualTo(SumTrainer.Recipe.GRADIENT);
        assertThat(Arrays.equals(lstmWeights(trained), cells)).as("Adam moved the LSTM's weights").isFalse();
        assertThat(round.settings()).containsEntry("update", "adam").containsEntry("optimizer", "adam");
    }
}
