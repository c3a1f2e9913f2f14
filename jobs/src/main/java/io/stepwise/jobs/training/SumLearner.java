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
final class SumLearner implements Learner {

    private final TrainingOptions options;
    private final SumTrainer.Options trainer;

    SumLearner(TrainingOptions options) {
        this.options = options;
        // one thread: a Flink task slot is about one core; steps and minutes bound only generated-data runs.
        // The gradient-trained recipe's initialisation: Adam rounds are what this learner does, and
        // Adam steps undo the default recipe's multi-scale integrators (SumTrainer's comment)
        this.trainer = SumTrainer.Options.gradientTrained()
                .withSize(options.hiddenSize(), SumTrainer.Options.gradientTrained().maxLength())
                .withSteps(1)
                .withBatchSize(options.batchSize())
                .withLearningRates(options.learningRate(), options.learningRate())
                .withThreads(1)
                .withSeed(options.seed());
    }

    @Override
    public Model fresh(String name, List<LabelledExample> train) {
        return new SumTrainer(trainer).newModel(new ModelMeta(name, 1, Map.of()));
    }

    @Override
    public Model train(Model start, List<LabelledExample> train, int round) {
        SumModel model = (SumModel) start;
        new SumTrainer(trainer.withSeed(options.seed() + round))
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
        m.put("epochs_per_round", options.roundEpochs());
        m.put("round_budget_seconds", options.roundBudget().toMillis() / 1000.0);
        m.put("batch_size", trainer.batchSize());
        m.put("optimizer", "adam");
        m.put("learning_rate", trainer.learningRate());
        m.put("clip_norm", trainer.clipNorm());
        m.put("weight_knee", trainer.weightKnee());
        m.put("seed", trainer.seed());
        return m;
    }

    private static List<SumSequence> sequences(List<LabelledExample> examples) {
        return examples.stream().map(LabelledExample::sumSequence).toList();
    }
}
