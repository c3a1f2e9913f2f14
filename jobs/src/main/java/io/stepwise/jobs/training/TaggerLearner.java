package io.stepwise.jobs.training;

import io.stepwise.model.Model;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.TaggerModel;
import io.stepwise.train.OptimizerKind;
import io.stepwise.train.TaggedSentence;
import io.stepwise.train.TaggerEvaluation;
import io.stepwise.train.TaggerTrainer;
import io.stepwise.train.TrainingListener;
import io.stepwise.wire.LabelledExample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Taggers: lstm-core's {@link TaggerTrainer}, vocabularies grown by each round's new words; scored by token accuracy. */
final class TaggerLearner implements Learner {

    private final TrainingOptions options;
    private final TaggerTrainer.Options trainer;

    TaggerLearner(TrainingOptions options) {
        this.options = options;
        this.trainer = TaggerTrainer.Options.defaults()
                .withSizes(options.embeddingDim(), options.hiddenSize(), options.numLayers())
                .withBatchSize(options.batchSize())
                .withEpochs(options.roundEpochs())
                .withLearningRate(options.learningRate(), OptimizerKind.ADAM)
                .withMinCount(options.minCount())
                .withSeed(options.seed());
    }

    @Override
    public Model fresh(String name, List<LabelledExample> train) {
        return new TaggerTrainer(trainer).newModel(new ModelMeta(name, 1, Map.of()), sentences(train));
    }

    @Override
    public Model train(Model start, List<LabelledExample> train, int round) {
        List<TaggedSentence> data = sentences(train);
        TaggerTrainer t = new TaggerTrainer(trainer.withSeed(options.seed() + round));
        TaggerModel model = t.grow((TaggerModel) start, data, options.seed() + round);
        t.train(model, data, List.of(), TrainingListener.NONE, options.roundBudget());
        return model;
    }

    @Override
    public Score score(Model model, List<LabelledExample> heldOut) {
        TaggerEvaluation.Accuracy a = TaggerEvaluation.accuracy((TaggerModel) model, sentences(heldOut));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("metric", "accuracy");
        figures.put("accuracy", a.value());
        figures.put("held_out", heldOut.size());
        figures.put("tokens", a.tokens());
        return new Score("accuracy", a.value(), true, figures);
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>(trainer.provenance());
        // the architecture is in the model file itself, and a starting model brings its own
        m.keySet().removeAll(List.of("embedding_dim", "hidden_size", "num_layers"));
        m.put("epochs_per_round", m.remove("epochs"));
        m.put("round_budget_seconds", options.roundBudget().toMillis() / 1000.0);
        return m;
    }

    private static List<TaggedSentence> sentences(List<LabelledExample> examples) {
        return examples.stream().map(LabelledExample::taggedSentence).toList();
    }
}
