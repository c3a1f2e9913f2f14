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

/** Sum models: lstm-core's {@link SumTrainer} on the given sequences; scored by the RMSE of the running sums. */
final class SumRound implements TrainingRound {

    private final TrainingSettings options;
    private final SumTrainer.Settings trainer;

    SumRound(TrainingSettings options) {
        this.options = options;
        // one thread: a Flink task slot is about one core; steps and minutes bound only generated-data runs.
        // The gradient recipe's initialisation: Adam rounds are what this round does, and Adam steps
        // undo the default recipe's multi-scale integrators (SumTrainer's comment)
        this.trainer = SumTrainer.gradientRecipe().toBuilder()
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
        return new SumTrainer(trainer).newModel(new ModelMeta(name, 1, Map.of()));
    }

    @Override
    public Model train(Model start, List<LabelledExample> train, int round) {
        SumModel model = (SumModel) start;
        new SumTrainer(trainer.toBuilder().seed(options.seed() + round).build())
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
        Map<String, Object> all = trainer.provenance();
        for (String k : List.of("batch_size", "learning_rate", "clip_norm", "weight_knee", "threads", "seed")) {
            m.put(k, all.get(k));
        }
        m.put("optimizer", "adam");
        m.putAll(TrainingRound.roundBounds(options));
        return m;
    }

    private static List<SumSequence> sequences(List<LabelledExample> examples) {
        return examples.stream().map(LabelledExample::sumSequence).toList();
    }
}
