package io.stepwise.model;

import io.stepwise.lstm.Lstm;
import io.stepwise.lstm.LstmConfig;
import io.stepwise.lstm.LstmState;
import io.stepwise.lstm.PackedLstm;
import io.stepwise.nn.Linear;
import io.stepwise.nn.Losses;
import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.ParameterSet;
import java.util.SplittableRandom;

/**
 * The notebook's {@code LSTMRegression}: {@code lstm = LSTM(1, H)} and {@code linear = Linear(H, 1)}
 * on the hidden state. Read after every element, the output is a running sum.
 *
 * <p>The network sees {@code value / inputScale} and predicts {@code sum / targetScale}; both
 * scales are part of the model, so callers give and get raw units.
 */
public final class SumModel implements Model {

    public static final String LSTM = "lstm.";
    public static final String OUTPUT = "linear.";

    private final ModelMeta meta;
    private final LstmConfig lstmConfig;
    private final float inputScale;
    private final float targetScale;
    private final ParameterSet params;
    private final Lstm lstm;
    private final Linear linear;
    private final PackedCache packed;

    public SumModel(ModelMeta meta, int hiddenSize, int numLayers, float inputScale, float targetScale) {
        if (!(inputScale > 0) || !(targetScale > 0) || Float.isInfinite(inputScale) || Float.isInfinite(targetScale)) {
            throw new IllegalArgumentException("scales must be positive and finite: input " + inputScale + ", target " + targetScale);
        }
        this.meta = meta;
        this.lstmConfig = new LstmConfig(1, hiddenSize, numLayers);
        this.inputScale = inputScale;
        this.targetScale = targetScale;
        this.params = new ParameterSet();
        this.lstm = new Lstm(lstmConfig, params, LSTM);
        this.packed = new PackedCache(lstm);
        this.linear = new Linear(params, OUTPUT, hiddenSize, 1);
    }

    private SumModel(SumModel other, ModelMeta meta) {
        this.meta = meta;
        this.lstmConfig = other.lstmConfig;
        this.inputScale = other.inputScale;
        this.targetScale = other.targetScale;
        this.params = other.params;
        this.lstm = other.lstm;
        this.linear = other.linear;
        this.packed = other.packed;
    }

    public SumModel initRandom(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        lstm.initDefault(params, rng);
        linear.initDefault(params, rng);
        weightsChanged();
        return this;
    }

    @Override
    public ModelKind kind() {
        return ModelKind.SUM;
    }

    @Override
    public ModelMeta meta() {
        return meta;
    }

    @Override
    public LstmConfig lstmConfig() {
        return lstmConfig;
    }

    @Override
    public ParameterSet parameters() {
        return params;
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

    public Lstm lstm() {
        return lstm;
    }

    public Linear linear() {
        return linear;
    }

    @Override
    public PackedLstm packed() {
        return packed.get();
    }

    public void weightsChanged() {
        packed.invalidate();
    }

    /** Feeds numbers one at a time, carrying {@code (h, c)}; not thread-safe, one per thread. */
    public final class Stepper {
        private final PackedLstm lstm = packed();
        private final float[] x = new float[1];
        private final float[] scratch = lstm.newScratch();
        private final float[] y = new float[1];

        /** Advances {@code state} by {@code value} and returns the model's running sum, in raw units. */
        public double step(double value, LstmState state) {
            x[0] = (float) (value / inputScale);
            lstm.step(x, 0, state, scratch);
            linear.forwardRow(state.values(), state.hOffset(lstmConfig.numLayers() - 1), y);
            return (double) y[0] * targetScale;
        }
    }

    public Stepper newStepper() {
        return new Stepper();
    }

    /** The running sums the model predicts for a whole sequence, stepwise from the zero state. */
    public double[] runningSums(double[] values) {
        Stepper s = newStepper();
        LstmState state = LstmState.zeros(lstmConfig);
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = s.step(values[i], state);
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
            states[b] = LstmState.zeros(lstmConfig);
        }
        int h = lstmConfig.hiddenSize();
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
        Lstm.Trace tr = lstm.forward(x, steps, batch, h0, c0, gemm);
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
        lstm.backwardWeights(pass.trace, dOut, gemm);
        return loss;
    }
}
