package io.stepwise.jobs.training;

import io.stepwise.model.Model;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.train.SumEvaluation;
import io.stepwise.train.SumSequence;
import io.stepwise.train.SumTrainer;
import io.stepwise.train.TrainingListener;
import io.stepwise.wire.LabelledExample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sum models: lstm-core's {@link SumTrainer} on the given sequences; scored by the RMSE of the
 * running sums. How a round updates a model depends on how the model was made
 * ({@link SumTrainer.Recipe#of}), because one update does not suit both:
 *
 * <ul>
 *   <li>a model of the fitted recipe (multi-scale integrator cells, the default of {@code train sum}
 *       and of a new model here) gets its read-out refitted by least squares on the round's
 *       sequences, each run from the zero state with its state carried from chunk to chunk; the
 *       LSTM stays as built. Adam would move the integrators' weights and wreck them (a few steps
 *       at any useful learning rate cost more than the whole model's error; docs/research/sum.md).
 *       One pass over the sequences: the round's epochs and time budget do not apply.</li>
 *   <li>any other sum model (the gradient recipe, an imported PyTorch model) takes the round's
 *       epochs of Adam, as before.</li>
 * </ul>
 */
final class SumRound implements TrainingRound {

    private final TrainingSettings options;
    private final SumTrainer.Settings fitted;
    private final SumTrainer.Settings gradient;
    /** The recipe of the model the last round trained: what {@link #settings()} describes. */
    private SumTrainer.Recipe lastRecipe = SumTrainer.Recipe.FITTED;

    SumRound(TrainingSettings options) {
        this.options = options;
        // one thread: a Flink task slot is about one core; steps and minutes bound only generated-data runs.
        // New models are built as the fitted recipe builds them; rounds on a gradient-trained model use
        // the gradient recipe's settings with this job's batch size and learning rate
        this.fitted = SumTrainer.Settings.builder()
                .hiddenSize(options.hiddenSize())
                .batchSize(options.batchSize())
                .threads(1)
                .seed(options.seed())
                .build();
        this.gradient = SumTrainer.gradientRecipe().toBuilder()
                .hiddenSize(options.hiddenSize())
                .steps(1)
                .batchSize(options.batchSize())
                .learningRate(options.learningRate()).finalLearningRate(options.learningRate())
                .threads(1)
                .seed(options.seed())
                .build();
    }

    @Override
    public Model fresh(String name, List<LabelledExample> train) {
        return new SumTrainer(fitted).newModel(new ModelMeta(name, 1, Map.of()));
    }

    @Override
    public Model train(Model start, List<LabelledExample> train, int round) {
        SumModel model = (SumModel) start;
        lastRecipe = SumTrainer.Recipe.of(model);
        if (lastRecipe == SumTrainer.Recipe.FITTED) {
            return new SumTrainer(fitted).refitReadout(model, sequences(train));
        }
        new SumTrainer(gradient.toBuilder().seed(options.seed() + round).build())
                .train(model, sequences(train), options.roundEpochs(), options.roundBudget(), TrainingListener.NONE);
        return model;
    }

    @Override
    public Score score(Model model, List<LabelledExample> heldOut) {
        SumEvaluation.Fit fit = SumEvaluation.fit((SumModel) model, sequences(heldOut));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("metric", "rmse");
        figures.put("rmse", fit.rmse());
        figures.put("final_rmse", fit.finalRmse());
        figures.put("held_out", fit.sequences());
        figures.put("positions", fit.positions());
        return new Score("rmse", fit.rmse(), false, figures);
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        // what shapes a round on given sequences; the generated-data curriculum, the architecture
        // and the scaling do not apply or are in the model file itself
        if (lastRecipe == SumTrainer.Recipe.FITTED) {
            Map<String, Object> all = fitted.provenance();
            m.put("update", "least-squares read-out, LSTM kept (fitted recipe)");
            m.put("weight_knee", all.get("weight_knee"));
            m.put("chunk_length", all.get("chunk_length"));
            return m;
        }
        Map<String, Object> all = gradient.provenance();
        for (String k : List.of("batch_size", "learning_rate", "clip_norm", "weight_knee", "threads", "seed")) {
            m.put(k, all.get(k));
        }
        m.put("update", "adam");
        m.put("optimizer", "adam");
        m.putAll(TrainingRound.roundBounds(options));
        return m;
    }

    private static List<SumSequence> sequences(List<LabelledExample> examples) {
        return examples.stream().map(LabelledExample::sumSequence).toList();
    }
}
