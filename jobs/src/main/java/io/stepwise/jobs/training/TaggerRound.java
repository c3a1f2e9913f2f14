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
final class TaggerRound implements TrainingRound {

    private final TrainingSettings options;
    private final TaggerTrainer.Settings trainer;

    TaggerRound(TrainingSettings options) {
        this.options = options;
        this.trainer = TaggerTrainer.Settings.builder()
                .embeddingDim(options.embeddingDim()).hiddenSize(options.hiddenSize()).numLayers(options.numLayers())
                .batchSize(options.batchSize())
                .epochs(options.roundEpochs())
                .learningRate(options.learningRate()).optimizer(OptimizerKind.ADAM)
                .minCount(options.minCount())
                .seed(options.seed())
                .build();
    }

    @Override
    public Model fresh(String name, List<LabelledExample> train) {
        return new TaggerTrainer(trainer).newModel(new ModelMeta(name, 1, Map.of()), sentences(train));
    }

    @Override
    public Model train(Model start, List<LabelledExample> train, int round) {
        List<TaggedSentence> data = sentences(train);
        TaggerTrainer t = new TaggerTrainer(trainer.toBuilder().seed(options.seed() + round).build());
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
        // the architecture is in the model file itself, and a starting model brings its own; a round's
        // epochs are its bound, recorded with the budget
        m.keySet().removeAll(List.of("embedding_dim", "hidden_size", "num_layers", "epochs"));
        m.putAll(TrainingRound.roundBounds(options));
        return m;
    }

    private static List<TaggedSentence> sentences(List<LabelledExample> examples) {
        return examples.stream().map(LabelledExample::taggedSentence).toList();
    }
}
