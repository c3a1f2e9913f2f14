package io.stepwise.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.lstm.Lstm;
import io.stepwise.lstm.LstmConfig;
import io.stepwise.lstm.LstmState;
import io.stepwise.lstm.PackedLstm;
import io.stepwise.tensor.ParameterSet;
import java.util.List;

/**
 * A model version: an LSTM with the layers of its kind around it, its weights, and who it is.
 *
 * <p>What every kind shares lives here: the identity ({@link ModelMeta}), the weights under their
 * PyTorch {@code state_dict} names, the LSTM and its packed form for stepping. What differs by kind
 * (the layers around the LSTM, the header fields of the model file, what one element of a stream
 * is and what a step predicts) each kind answers for itself, so that the model file, the
 * streaming job and offline prediction work through this class and never ask which kind they hold.
 *
 * <p>A subclass registers its parameters in {@code state_dict} order (a tagger's embedding comes
 * before its LSTM, as in the tutorial's module) and passes the set, with the LSTM among them, here.
 */
public abstract sealed class Model permits TaggerModel, SumModel {

    private final ModelMeta meta;
    private final LstmConfig lstmConfig;
    private final ParameterSet params;
    private final Lstm lstm;
    private final PackedCache packed;

    Model(ModelMeta meta, ParameterSet params, Lstm lstm) {
        this.meta = meta;
        this.lstmConfig = lstm.config();
        this.params = params;
        this.lstm = lstm;
        this.packed = new PackedCache(lstm);
    }

    /** {@code other} under another identity, sharing its weights and their packed form. */
    Model(Model other, ModelMeta meta) {
        this.meta = meta;
        this.lstmConfig = other.lstmConfig;
        this.params = other.params;
        this.lstm = other.lstm;
        this.packed = other.packed;
    }

    public abstract ModelKind kind();

    /** This model under another name or version, sharing the weights. */
    public abstract Model withMeta(ModelMeta meta);

    public final ModelMeta meta() {
        return meta;
    }

    public final String name() {
        return meta.name();
    }

    public final int version() {
        return meta.version();
    }

    /** The LSTM inside; its hidden size and layer count shape every stream's state. */
    public final LstmConfig lstmConfig() {
        return lstmConfig;
    }

    /** The weights under their PyTorch {@code state_dict} names, in {@code state_dict} order. */
    public final ParameterSet parameters() {
        return params;
    }

    public final Lstm lstm() {
        return lstm;
    }

    /** The LSTM weights packed for stepwise inference, built on first use after a change. */
    public final PackedLstm packed() {
        return packed.get();
    }

    /** Call after the weights were changed in place (training, loading), so that inference repacks. */
    public void weightsChanged() {
        packed.invalidate();
    }

    /** What this model is, in one line: kind, identity and sizes. */
    public final String summary() {
        return kind().id() + " '" + name() + "' v" + version() + ": " + describeSizes();
    }

    /** The sizes {@link #summary} lists after the identity. */
    abstract String describeSizes();

    // ---- the model file -------------------------------------------------------------------------

    /**
     * Writes the header fields of this kind (its {@code architecture}, and whatever else it needs
     * to be rebuilt: vocabularies, scaling) into a model file's header; {@link ModelKind#read}
     * reads them back.
     */
    abstract void writeHeader(ObjectNode header);

    // ---- streams ------------------------------------------------------------------------------

    /**
     * Why this model cannot take {@code input} (a tagger takes tokens, a sum model numbers), or null
     * when it can. The streaming job dead-letters such an element before it touches any state.
     */
    public abstract String refusal(Input input);

    /** Steps streams one input at a time; holds scratch space, so one per thread. */
    public abstract Stepper newStepper();

    /**
     * The stepwise loop the streaming job runs per element: one input in, the stream's state
     * advanced in place, the prediction for that element out.
     */
    public interface Stepper {
        /** Advances {@code state} by {@code input}, which this model must accept ({@link #refusal}). */
        Prediction step(Input input, LstmState state);
    }

    /**
     * Steps many streams at once, one input each, so the weights come into the caches once per batch
     * instead of once per element: while they fit in L2 ({@link PackedLstm#batchesStepEach})
     * with {@link Stepper}'s kernel a few streams at a time ({@link PackedLstm#stepEach}, the same
     * bits), else one matrix product per layer for all of them ({@link PackedLstm#stepBatch};
     * {@link Stepper}'s results to float rounding). One per thread.
     */
    public final BatchStepper newBatchStepper() {
        BatchStepper each = batchStepper(false);
        BatchStepper product = packed().batchesStepEach() ? null : batchStepper(true);
        return (inputs, states, n, predictions) -> {
            // one stream, or weights that stay in L2 between elements: the single step's panel kernel, four streams at a time
            (product == null || n == 1 ? each : product).step(inputs, states, n, predictions);
        };
    }

    /**
     * The batched step as one matrix product per layer for all streams ({@link PackedLstm#stepBatch}),
     * whatever the model's size: what {@link #newBatchStepper} takes for layers that outgrow L2, and
     * what reference checks compare with {@link Stepper}. One per thread.
     */
    public final BatchStepper newProductStepper() {
        return batchStepper(true);
    }

    /**
     * This kind's batched step: its inputs written side by side, the LSTM stepped by
     * {@link PackedLstm#stepBatch} ({@code asProduct}) or {@link PackedLstm#stepEach}, then each
     * stream's prediction. One per thread.
     */
    protected abstract BatchStepper batchStepper(boolean asProduct);

    /** The batched step of many streams. */
    public interface BatchStepper {
        /**
         * Advances {@code states[i]} by {@code inputs[i]} for {@code i < n}, every input one this model
         * accepts, and writes each stream's prediction to {@code predictions[i]}.
         */
        void step(Input[] inputs, LstmState[] states, int n, Prediction[] predictions);
    }

    /**
     * Whether a stream at this point lies inside the range this version was validated on:
     * {@code length} elements since the stream's start, {@code exactSum} its exact running sum. Null
     * when the version records no such range (taggers; sum models without a {@code valid_range}), so
     * that results make no claim either way.
     */
    public Boolean inValidRange(long length, double exactSum) {
        return null;
    }

    /**
     * How streams move into this version from an older one under the update policy {@code carry}, a
     * new carry for one thread; null when this kind defines none (taggers: see {@link StateCarry}).
     */
    public StateCarry newStateCarry() {
        return null;
    }

    /**
     * The predictions for whole sequences, each from the zero state, run together as one padded
     * batch: the offline path. It computes in the order {@link Stepper} does, so the two agree bit for
     * bit (see {@link PackedLstm#forwardSequence}).
     */
    public abstract List<List<Prediction>> predict(List<List<Input>> sequences);

    /** Throws the {@link #refusal} of the first input this model cannot take. */
    final void requireAccepted(List<List<Input>> sequences) {
        for (List<Input> s : sequences) {
            for (Input in : s) {
                String why = refusal(in);
                if (why != null) {
                    throw new IllegalArgumentException(why);
                }
            }
        }
    }

    static int longest(List<? extends List<?>> sequences) {
        int steps = 0;
        for (List<?> s : sequences) {
            steps = Math.max(steps, s.size());
        }
        return steps;
    }
}
