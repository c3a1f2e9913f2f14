package io.stepwise.jobs.inference;

import io.stepwise.lstm.LstmConfig;
import io.stepwise.lstm.LstmState;
import io.stepwise.model.Input;
import io.stepwise.model.Model;
import io.stepwise.model.Prediction;
import io.stepwise.model.StateCarry;
import io.stepwise.model.TaggerModel;
import io.stepwise.wire.Element;
import io.stepwise.wire.Result;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model version as the inference job serves it: one LSTM step per element, and the result
 * stamped with the version. Holds the model's stepper (packed weights and scratch), so one
 * instance serves all streams of one parallel instance, one element at a time.
 *
 * <p>Whatever depends on the model's kind (what an element must carry, what a step predicts) the
 * model answers; this class only moves elements in and results out, and keeps the exact running
 * sum beside a learned one. The step reads and writes the stream's state in place; an element the
 * model cannot take is refused before the state is touched.
 */
public final class ServedModel {

    private static final Logger LOG = LoggerFactory.getLogger(ServedModel.class);

    private final Model model;
    private final Model.Stepper stepper;
    private final Model.BatchStepper batch;
    /** A delayed tagger's decoding; null for a model whose results are final at once. */
    private final DelayedTags delayed;
    private Input[] inputs = new Input[0];
    private LstmState[] lstmStates = new LstmState[0];
    private Prediction[] predictions = new Prediction[0];
    /** How streams move into this version (update policy carry), made on first need; null for a kind without one. */
    private StateCarry carry;
    private boolean carryMade;

    private ServedModel(Model model) {
        this.model = model;
        this.stepper = model.newStepper();
        this.batch = model.newBatchStepper();
        this.delayed = model instanceof TaggerModel t && t.delay() > 0 ? new DelayedTags(t) : null;
    }

    public static ServedModel of(Model model) {
        return new ServedModel(model);
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

    /**
     * Steps {@code n} streams at once, {@code elements[i]} on {@code states[i]}, with one product per
     * layer for all of them; every element must be one this model takes (checked before, with
     * {@link Model#refusal}). Writes each element's results to {@code results[i]}: its own result,
     * and for a delayed tagger the final tag of the word its arrival settles.
     */
    public void stepBatch(Element[] elements, StreamState[] states, int n, List<Result>[] results) {
        if (inputs.length < n) {
            inputs = new Input[n];
            lstmStates = new LstmState[n];
            predictions = new Prediction[n];
        }
        for (int i = 0; i < n; i++) {
            inputs[i] = elements[i].input();
            lstmStates[i] = states[i].lstm();
        }
        batch.step(inputs, lstmStates, n, predictions);
        for (int i = 0; i < n; i++) {
            Element e = elements[i];
            StreamState s = states[i];
            s.length++;
            if (e.value() != null) {
                s.exactSum += e.value();
            }
            results[i] = delayed != null ? delayed.after(e, (Prediction.Tag) predictions[i], s)
                    : List.of(Result.of(e, predictions[i], s.exactSum, model.name(), version(), model.inValidRange(s.length, s.exactSum)));
        }
    }

    /**
     * The end of a stream's sequence, or of the stream: the final tags of the words still waiting
     * (a delayed tagger), none left waiting. Empty for every other model.
     */
    public List<Result> end(String stream, StreamState state) {
        if (state.waiting() == 0) {
            return List.of();
        }
        if (delayed == null || !state.fits(config())) {
            return DelayedTags.settleAsGiven(stream, state, model.name(), state.version);
        }
        return delayed.flush(stream, state);
    }

    /**
     * Moves {@code state}, computed by version {@code older} (null when it is no longer held), into
     * this version by the model kind's carry (update policy carry): its {@code (h, c)} is replaced by
     * this version's state for what the stream has reached, shaped for this version's LSTM. Null, and
     * the state untouched, when this kind defines no carry. The carry's one-off work (a sum model's
     * calibration) happens at the first call, once per version and parallel instance, and is logged
     * with its duration.
     */
    public StateCarry.Carried carry(StreamState state, ServedModel older) {
        if (!carryMade) {
            carry = model.newStateCarry();
            carryMade = true;
            if (carry != null) {
                LOG.info("model {} v{}: {}", model.name(), version(), carry.prepare());
            }
        }
        if (carry == null) {
            return null;
        }
        boolean olderState = older != null && state.fits(older.config());
        StateCarry.Carried c = carry.carry(olderState ? older.model() : null, olderState ? state.lstm() : null, state.exactSum);
        state.zero(config());
        System.arraycopy(c.state().values(), 0, state.hc, 0, state.hc.length);
        return c;
    }

    /**
     * Recomputes {@code state}'s {@code (h, c)} under this version from the inputs it remembers
     * (update policy rewarm): from zero, one step per remembered input, no results.
     */
    public void rewarm(StreamState state) {
        state.zero(config());
        if (state.recentTokens != null) {
            for (String token : state.recentTokens) {
                stepper.step(Input.token(token), state.lstm());
            }
        }
        if (state.recentValues != null) {
            for (double v : state.recentValues) {
                stepper.step(Input.value(v), state.lstm());
            }
        }
    }
}
