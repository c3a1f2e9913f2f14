package io.stepwise.jobs.inference;

import io.stepwise.lstm.LstmConfig;
import io.stepwise.model.Model;
import io.stepwise.model.SumModel;
import io.stepwise.model.TaggerModel;
import io.stepwise.wire.Element;
import io.stepwise.wire.Result;

/**
 * One model version as the inference job serves it: one LSTM step per element, and the result
 * stamped with the version. Holds the model's stepper (packed weights and scratch), so one
 * instance serves all streams of one parallel instance, one element at a time.
 *
 * <p>The step reads and writes the stream's state in place; an element of the wrong kind for
 * the model is refused before the state is touched.
 */
public abstract sealed class ServedModel permits ServedModel.Tagger, ServedModel.Sum {

    private final Model model;

    ServedModel(Model model) {
        this.model = model;
    }

    public static ServedModel of(Model model) {
        if (model instanceof TaggerModel t) {
            return new Tagger(t);
        }
        return new Sum((SumModel) model);
    }

    public Model model() {
        return model;
    }

    public int version() {
        return model.version();
    }

    public LstmConfig config() {
        return model.lstmConfig();
    }

    /** Runs one step for {@code e} on {@code state}; throws IllegalArgumentException for an element of the wrong kind. */
    public abstract Result step(Element e, StreamState state);

    /**
     * Recomputes {@code state}'s {@code (h, c)} under this version from the inputs it remembers
     * (update policy rewarm): from zero, one step per remembered input, no results.
     */
    public abstract void rewarm(StreamState state);

    static final class Tagger extends ServedModel {
        private final TaggerModel.Stepper stepper;

        Tagger(TaggerModel model) {
            super(model);
            this.stepper = model.newStepper();
        }

        @Override
        public Result step(Element e, StreamState state) {
            if (e.token() == null) {
                throw new IllegalArgumentException("model " + model().name() + " is a tagger and takes tokens; got a value");
            }
            TaggerModel.Tagged t = stepper.step(e.token(), state.lstm());
            return new Result.Tag(e.stream(), e.seq(), e.ts(), e.token(), t.tag(), t.probability(),
                    model().name(), version());
        }

        @Override
        public void rewarm(StreamState state) {
            state.zero(config());
            if (state.recentTokens != null) {
                for (String token : state.recentTokens) {
                    stepper.step(token, state.lstm());
                }
            }
        }
    }

    static final class Sum extends ServedModel {
        private final SumModel.Stepper stepper;

        Sum(SumModel model) {
            super(model);
            this.stepper = model.newStepper();
        }

        @Override
        public Result step(Element e, StreamState state) {
            if (e.value() == null) {
                throw new IllegalArgumentException("model " + model().name() + " sums numbers and takes values; got a token");
            }
            double estimate = stepper.step(e.value(), state.lstm());
            state.exactSum += e.value();
            return new Result.Sum(e.stream(), e.seq(), e.ts(), e.value(), estimate, state.exactSum,
                    model().name(), version());
        }

        @Override
        public void rewarm(StreamState state) {
            state.zero(config());
            if (state.recentValues != null) {
                for (double v : state.recentValues) {
                    stepper.step(v, state.lstm());
                }
            }
        }
    }
}
