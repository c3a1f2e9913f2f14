package io.stepwise.jobs.training;

import io.stepwise.model.Model;
import io.stepwise.wire.LabelledExample;
import java.util.List;
import java.util.Map;

/**
 * One round of the training job for a model kind: a new model, a bounded round of training on the
 * kept examples (with lstm-core's trainer of that kind, which runs the mini-batch loop) and a score
 * on the held-out ones. Three layers, from the outside in: {@link TrainAndPublish} decides when a
 * round runs and whether its model is published; a {@code TrainingRound} trains one round of one
 * kind; lstm-core's {@code TaggerTrainer} / {@code SumTrainer} run the mini-batches.
 */
interface TrainingRound {

    static TrainingRound of(TrainingSettings options) {
        return switch (options.kind()) {
            case TAGGER -> new TaggerRound(options);
            case SUM -> new SumRound(options);
        };
    }

    /** A model no one has trained yet, shaped for these examples (a tagger takes their words and tags). */
    Model fresh(String name, List<LabelledExample> train);

    /**
     * {@code start} trained further on {@code train} for one round (at most the configured epochs and
     * time); {@code round} varies the seed from round to round. May return another object than
     * {@code start} (a tagger whose vocabulary grew) and may change {@code start}.
     */
    Model train(Model start, List<LabelledExample> train, int round);

    Score score(Model model, List<LabelledExample> heldOut);

    /** The trainer's settings and the round's bounds, for the provenance of every published version. */
    Map<String, Object> settings();

    /** The round's bounds, which every kind records beside its trainer's settings. */
    static Map<String, Object> roundBounds(TrainingSettings options) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("epochs_per_round", options.roundEpochs());
        m.put("round_budget_seconds", options.roundBudget().toMillis() / 1000.0);
        return m;
    }
}
