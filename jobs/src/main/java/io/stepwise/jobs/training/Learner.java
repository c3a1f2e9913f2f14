package io.stepwise.jobs.training;

import io.stepwise.model.Model;
import io.stepwise.wire.LabelledExample;
import java.util.List;
import java.util.Map;

/**
 * What the training job needs of a model kind: a new model, a bounded round of training on the
 * kept examples (with lstm-core's trainer of that kind) and a score on the held-out ones.
 */
interface Learner {

    static Learner of(TrainingOptions options) {
        return switch (options.kind()) {
            case TAGGER -> new TaggerLearner(options);
            case SUM -> new SumLearner(options);
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

    /** The trainer's settings, for provenance. */
    Map<String, Object> settings();
}
