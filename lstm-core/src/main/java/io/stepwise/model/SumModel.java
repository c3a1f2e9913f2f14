package io.stepwise.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.lstm.Lstm;
import io.stepwise.lstm.LstmConfig;
import io.stepwise.lstm.LstmState;
import io.stepwise.lstm.PackedLstm;
import io.stepwise.nn.Linear;
import io.stepwise.nn.Losses;
import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The notebook's {@code LSTMRegression}: {@code lstm = LSTM(1, H)} and {@code linear = Linear(H, 1)}
 * on the hidden state. Read after every element, the output is a running sum.
 *
 * <p>The network sees {@code value / inputScale} and predicts {@code sum / targetScale}; both
 * scales are part of the model, so callers give and get raw units.
 */
public final class SumModel extends Model {

    public static final String LSTM = "lstm.";
    public static final String OUTPUT = "linear.";

    private final float inputScale;
    private final float targetScale;
    private final Linear linear;
    /** The range its provenance records; null when it records none. */
    private final SumValidRange validRange;

    public SumModel(ModelMeta meta, int hiddenSize, int numLayers, float inputScale, float targetScale) {
        this(meta, Layers.of(new LstmConfig(1, hiddenSize, numLayers)), checkScales(inputScale, targetScale), targetScale);
    }

    private SumModel(ModelMeta meta, Layers layers, float inputScale, float targetScale) {
        super(meta, layers.params, layers.lstm);
        this.inputScale = inputScale;
        this.targetScale = targetScale;
        this.linear = layers.linear;
        this.validRange = SumValidRange.fromProvenance(meta.provenance());
    }

    private SumModel(SumModel other, ModelMeta meta) {
        super(other, meta);
        this.inputScale = other.inputScale;
        this.targetScale = other.targetScale;
        this.linear = other.linear;
        this.validRange = SumValidRange.fromProvenance(meta.provenance());
    }

    /** The notebook module's layers, registered in its {@code state_dict} order: LSTM, then the read-out. */
    private record Layers(ParameterSet params, Lstm lstm, Linear linear) {
        static Layers of(LstmConfig lstm) {
            ParameterSet params = new ParameterSet();
            Lstm l = new Lstm(lstm, params, LSTM);
            return new Layers(params, l, new Linear(params, OUTPUT, lstm.hiddenSize(), 1));
        }
    }

    private static float checkScales(float inputScale, float targetScale) {
        if (!(inputScale > 0) || !(targetScale > 0) || Float.isInfinite(inputScale) || Float.isInfinite(targetScale)) {
            throw new IllegalArgumentException("scales must be positive and finite: input " + inputScale + ", target " + targetScale);
        }
        return inputScale;
    }

    /** A sum model with the architecture and scaling a model file's header gives, and zero weights. */
    static SumModel fromHeader(ModelMeta meta, ModelHeader header) {
        ModelHeader arch = header.object("architecture");
        int inputSize = arch.integer("input_size");
        if (inputSize != 1) {
            throw header.error("architecture.input_size is " + inputSize + ", a sum model takes one number per step (1)");
        }
        ModelHeader sc = header.object("scaling");
        return new SumModel(meta, arch.integer("hidden_size"), arch.integer("num_layers"),
                (float) sc.number("input_scale"), (float) sc.number("target_scale"));
    }

    @Override
    void writeHeader(ObjectNode header) {
        ObjectNode arch = header.putObject("architecture");
        arch.put("input_size", lstmConfig().inputSize());
        arch.put("hidden_size", lstmConfig().hiddenSize());
        arch.put("num_layers", lstmConfig().numLayers());
        ObjectNode sc = header.putObject("scaling");
        // the float widened to double prints the exact value, so it reads back bit for bit
        sc.put("input_scale", (double) inputScale);
        sc.put("target_scale", (double) targetScale);
    }

    @Override
    String describeSizes() {
        return "hidden_size " + lstmConfig().hiddenSize() + ", num_layers " + lstmConfig().numLayers()
                + ", input_scale " + inputScale + ", target_scale " + targetScale;
    }

    public SumModel initRandom(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        lstm().initDefault(parameters(), rng);
        linear.initDefault(parameters(), rng);
        weightsChanged();
        return this;
    }

    @Override
    public ModelKind kind() {
        return ModelKind.SUM;
    }

    @Override
    public SumModel withMeta(ModelMeta newMeta) {
        return new SumModel(this, newMeta);
    }

    public float inputScale() {
        return inputScale;
    }

    public float targetScale() {
        return targetScale;
    }

    public Linear linear() {
        return linear;
    }

    /** The lengths and totals this version was validated on (provenance {@code valid_range}); null when it records none. */
    public SumValidRange validRange() {
        return validRange;
    }

    @Override
    public Boolean inValidRange(long length, double exactSum) {
        return validRange == null ? null : validRange.covers(length, exactSum);
    }

    /** The running sum this version reads from {@code state} (its read-out of the top layer's h), raw units. */
    public double sumOf(LstmState state) {
        float[] y = new float[1];
        linear.forwardRow(state.values(), state.hOffset(lstmConfig().numLayers() - 1), y);
        return (double) y[0] * targetScale;
    }

    /**
     * A sum model carries a stream by its running sum: the old version's reading of the stream, or
     * the stream's exact sum when the old version cannot give one, becomes this version's state
     * through a {@link CalibratedSumCarry} calibrated once for this version ({@link RunningSumCarry}).
     */
    @Override
    public StateCarry newStateCarry() {
        return new RunningSumCarry(this);
    }

    @Override
    public String refusal(Input input) {
        return input instanceof Input.Value ? null
                : "model " + name() + " sums numbers and takes values; got a token";
    }

    /** Feeds numbers one at a time, carrying {@code (h, c)}; not thread-safe, one per thread. */
    public final class Stepper implements Model.Stepper {
        private final PackedLstm lstm = packed();
        private final float[] x = new float[1];
        private final float[] scratch = lstm.newScratch();
        private final float[] y = new float[1];

        @Override
        public Prediction.Sum step(Input input, LstmState state) {
            if (!(input instanceof Input.Value value)) {
                throw new IllegalArgumentException(refusal(input));
            }
            return new Prediction.Sum(step(value.value(), state));
        }

        /** Advances {@code state} by {@code value} and returns the model's running sum, in raw units. */
        public double step(double value, LstmState state) {
            x[0] = (float) (value / inputScale);
            lstm.step(x, 0, state, scratch);
            linear.forwardRow(state.values(), state.hOffset(lstmConfig().numLayers() - 1), y);
            return (double) y[0] * targetScale;
        }
    }

    @Override
    public Stepper newStepper() {
        return new Stepper();
    }

    @Override
    protected BatchStepper batchStepper(boolean asProduct) {
        return new BatchStepper() {
            private final PackedLstm lstm = packed();
            private final PackedLstm.BatchScratch scratch = lstm.newBatchScratch();
            private final float[] y = new float[1];
            private float[] x = new float[0];

            @Override
            public void step(Input[] inputs, LstmState[] states, int n, Prediction[] predictions) {
                if (x.length < n) {
                    x = new float[n];
                }
                for (int b = 0; b < n; b++) {
                    if (!(inputs[b] instanceof Input.Value value)) {
                        throw new IllegalArgumentException(refusal(inputs[b]));
                    }
                    x[b] = (float) (value.value() / inputScale);
                }
                if (asProduct) {
                    lstm.stepBatch(x, states, n, scratch);
                } else {
                    lstm.stepEach(x, states, n, scratch);
                }
                int top = lstmConfig().numLayers() - 1;
                for (int b = 0; b < n; b++) {
                    linear.forwardRow(states[b].values(), states[b].hOffset(top), y);
                    predictions[b] = new Prediction.Sum((double) y[0] * targetScale);
                }
            }
        };
    }

    /** The running sums the model predicts for a whole sequence, stepwise from the zero state. */
    public double[] runningSums(double[] values) {
        Stepper s = newStepper();
        LstmState state = LstmState.zeros(lstmConfig());
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = s.step(values[i], state);
        }
        return out;
    }

    @Override
    public List<List<Prediction>> predict(List<List<Input>> sequences) {
        requireAccepted(sequences);
        int batch = sequences.size();
        int steps = longest(sequences);
        float[] x = new float[steps * batch];
        for (int b = 0; b < batch; b++) {
            List<Input> seq = sequences.get(b);
            for (int t = 0; t < seq.size(); t++) {
                x[t * batch + b] = (float) (((Input.Value) seq.get(t)).value() / inputScale);
            }
        }
        float[] scaled = predict(x, steps, batch);
        List<List<Prediction>> out = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            List<Prediction> sums = new ArrayList<>(sequences.get(b).size());
            for (int t = 0; t < sequences.get(b).size(); t++) {
                sums.add(new Prediction.Sum((double) scaled[t * batch + b] * targetScale));
            }
            out.add(sums);
        }
        return out;
    }

    /**
     * The scaled running-sum estimates for scaled inputs {@code x[T][B]} (seq-first, padded): the
     * offline path, equal bit for bit to {@link Stepper} (see {@link PackedLstm#forwardSequence}).
     */
    public float[] predict(float[] x, int steps, int batch) {
        LstmState[] states = new LstmState[batch];
        for (int b = 0; b < batch; b++) {
            states[b] = LstmState.zeros(lstmConfig());
        }
        int h = lstmConfig().hiddenSize();
        float[] out = packed().forwardSequence(x, steps, batch, states);
        float[] pred = new float[steps * batch];
        float[] y = new float[1];
        for (int i = 0; i < steps * batch; i++) {
            linear.forwardRow(out, i * h, y);
            pred[i] = y[0];
        }
        return pred;
    }

    /** One forward pass over a padded batch, kept for the backward pass. */
    public final class BatchPass {
        public final int steps;
        public final int batch;
        final Lstm.Trace trace;
        final float[] out;
        /** Predictions in scaled units, {@code [T * B]}. */
        public final float[] predictions;

        BatchPass(int steps, int batch, Lstm.Trace trace, float[] out, float[] predictions) {
            this.steps = steps;
            this.batch = batch;
            this.trace = trace;
            this.out = out;
            this.predictions = predictions;
        }

        /** Every layer's {@code h} after the last step, {@code [L][B][H]}: where the stream's next chunk starts. */
        public float[] finalHidden() {
            return trace.hN();
        }

        /** Every layer's {@code c} after the last step, {@code [L][B][H]}. */
        public float[] finalCell() {
            return trace.cN();
        }
    }

    /**
     * Runs already scaled inputs {@code x[T][B]} (seq-first, padded) from the zero state and
     * returns the scaled prediction at every step.
     */
    public BatchPass forward(float[] x, int steps, int batch, Gemm gemm) {
        return forward(x, steps, batch, null, null, gemm);
    }

    /**
     * Like {@link #forward(float[], int, int, Gemm)}, but the streams start from {@code h0},
     * {@code c0} ({@code [L][B][H]}, null for zeros, as in {@code nn.LSTM}): the state an earlier
     * chunk of the same streams ended with. The backward pass then stops at that state (truncated
     * backpropagation through time).
     */
    public BatchPass forward(float[] x, int steps, int batch, float[] h0, float[] c0, Gemm gemm) {
        Lstm.Trace tr = lstm().forward(x, steps, batch, h0, c0, gemm);
        float[] out = tr.output();
        float[] pred = linear.forward(out, steps * batch, gemm);
        return new BatchPass(steps, batch, tr, out, pred);
    }

    /**
     * Weighted MSE of the predictions against scaled {@code targets[T][B]} with {@code weights[T][B]}
     * (zero on padding and on steps that do not count), and its gradients. Returns the loss.
     */
    public double backward(BatchPass pass, float[] targets, float[] weights, Gemm gemm) {
        int n = pass.steps * pass.batch;
        float[] dPred = new float[n];
        double loss = Losses.mse(pass.predictions, targets, weights, n, dPred);
        float[] dOut = linear.backward(pass.out, dPred, n, gemm);
        lstm().backwardWeights(pass.trace, dOut, gemm);
        return loss;
    }
}
