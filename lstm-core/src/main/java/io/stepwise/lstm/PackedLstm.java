package io.stepwise.lstm;

import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.Tensor;
import java.util.Map;

/**
 * An LSTM's weights laid out for inference, one step at a time: per layer the input-major matrix
 * {@code [W_ih | W_hh]^T} of shape {@code [in + H, 4H]} and the summed bias {@code b_ih + b_hh}.
 * Immutable once built, so one instance can serve every stream of a job.
 *
 * <p>{@link #step} is the tutorial's stepwise loop: one element in, the state updated in place.
 * {@link #stepBatch} advances many independent states by one step with a single matrix product
 * per layer, for an operator that gathers the elements of many keys before a checkpoint barrier;
 * {@link #stepEach} advances them with {@link #step}'s kernel, a few at a time, to {@link #step}'s
 * bits. All use the same gate kernel, so a state advanced any way agrees to float rounding.
 */
public final class PackedLstm {

    private final LstmConfig config;
    private final float[][] weights; // per layer, [in_l + H][4H], for stepBatch's matrix product
    private final float[][] panels;  // per layer, the same as column panels: [4H / PANEL][in_l + H][PANEL], for step
    private final float[][] bias;    // per layer, [4H]

    private PackedLstm(LstmConfig config, float[][] weights, float[][] bias) {
        this.config = config;
        this.weights = weights;
        this.bias = bias;
        this.panels = new float[weights.length][];
        for (int l = 0; l < weights.length; l++) {
            panels[l] = StepKernel.toPanels(weights[l], config.layerInputSize(l) + config.hiddenSize(), 4 * config.hiddenSize());
        }
    }

    /** Packs weights given under PyTorch's names ({@code weight_ih_l0}, ... without a module prefix). */
    public static PackedLstm pack(LstmConfig config, Map<String, Tensor> lstmWeights) {
        int layers = config.numLayers();
        int h = config.hiddenSize();
        int g = 4 * h;
        float[][] w = new float[layers][];
        float[][] b = new float[layers][];
        for (int l = 0; l < layers; l++) {
            int in = config.layerInputSize(l);
            float[] wih = require(lstmWeights, LstmConfig.weightIh(l), g, in);
            float[] whh = require(lstmWeights, LstmConfig.weightHh(l), g, h);
            float[] bih = require(lstmWeights, LstmConfig.biasIh(l), g);
            float[] bhh = require(lstmWeights, LstmConfig.biasHh(l), g);
            int k = in + h;
            float[] packed = new float[k * g];
            for (int r = 0; r < g; r++) {
                for (int c = 0; c < in; c++) {
                    packed[c * g + r] = wih[r * in + c];
                }
                for (int c = 0; c < h; c++) {
                    packed[(in + c) * g + r] = whh[r * h + c];
                }
            }
            float[] sum = new float[g];
            for (int r = 0; r < g; r++) {
                sum[r] = bih[r] + bhh[r];
            }
            w[l] = packed;
            b[l] = sum;
        }
        return new PackedLstm(config, w, b);
    }

    private static float[] require(Map<String, Tensor> weights, String name, int... shape) {
        Tensor t = weights.get(name);
        if (t == null) {
            throw new IllegalArgumentException("LSTM weights lack " + name);
        }
        if (!t.sameShape(shape)) {
            throw new IllegalArgumentException(name + " has shape " + t.shapeString() + ", expected "
                    + java.util.Arrays.toString(shape));
        }
        return t.data();
    }

    /** See {@link #batchesStepEach}: a core's L2 cache on the machines measured. */
    static final long STEP_EACH_MAX_LAYER_BYTES = 1L << 20;

    /**
     * Whether a batch of elements costs less stepped with {@link #step}'s kernel ({@link #stepEach})
     * than as one product ({@link #stepBatch}) where products run on one BLAS thread, as in the
     * streaming job. While every layer's weights fit in a core's L2 cache (1 MB), they stay there
     * from one element to the next, which is what a batch is for, and the step's panel kernel runs
     * nearer the core's peak than a single-threaded sgemm of these thin shapes. Measured in
     * {@code stepwise bench pipeline} (docs/benchmarks.md): the EWT-size tagger (64 / 128, 393 KB),
     * batches of about 110, 7.7 us per element one element at a time against 10.8 us for the
     * product, and 2.5-3.0 us four at a time; the sum model's 64-wide layer is 66 KB.
     */
    public boolean batchesStepEach() {
        for (float[] w : weights) {
            if (w.length * (long) Float.BYTES > STEP_EACH_MAX_LAYER_BYTES) {
                return false;
            }
        }
        return true;
    }

    public LstmConfig config() {
        return config;
    }

    /** Scratch space for {@link #step}: the gate pre-activations, then the layer's input and h; one per thread. */
    public float[] newScratch() {
        return new float[scratchSize()];
    }

    private int scratchSize() {
        int h = config.hiddenSize();
        return 4 * h + Math.max(config.inputSize(), h) + h + 1; // + 1: the panel order of the last step
    }

    /**
     * Advances {@code state} by one element {@code x[xOff .. xOff + input_size)}, in place. The new
     * top-layer {@code h} is the step's output. {@code scratch} is from {@link #newScratch()}.
     *
     * <p>Per layer the input and h are copied next to each other, so that one pass of the kernel
     * over each column panel of the {@code [in + H, 4H]} weights computes its pre-activations.
     * Every output sums its rows in the same order as {@link #stepBatch}'s product on the Java
     * path, so both give the same bits.
     */
    public void step(float[] x, int xOff, LstmState state, float[] scratch) {
        step(x, xOff, bias[0], 0, 0, state, scratch);
    }

    /**
     * {@link #step} where the first layer's pre-activations of the bias and the first {@code known}
     * inputs are already in {@code gates[gatesOff .. gatesOff + 4H)}, a row of
     * {@link #leadingInputGates}: only the other inputs and h are multiplied. The same bits as
     * {@link #step}, fewer weights read: a word's embedding is a fixed vector per word, so its share
     * of the product is a table lookup.
     */
    public void step(float[] x, int xOff, float[] gates, int gatesOff, int known, LstmState state, float[] scratch) {
        requireFits(state);
        if (scratch.length < scratchSize()) {
            throw new IllegalArgumentException("scratch of " + scratch.length + " floats is too small; use newScratch()");
        }
        int h = config.hiddenSize();
        int g = 4 * h;
        float[] s = state.values();
        float[] in = x;
        int inOff = xOff;
        // every other step walks the panels backwards: the panels read last are still in L1
        int parity = scratch.length - 1;
        boolean reversed = scratch[parity] != 0f;
        scratch[parity] = reversed ? 0f : 1f;
        for (int l = 0; l < config.numLayers(); l++) {
            int inSize = config.layerInputSize(l);
            System.arraycopy(in, inOff, scratch, g, inSize);
            System.arraycopy(s, state.hOffset(l), scratch, g + inSize, h);
            int skip = l == 0 ? known : 0;
            System.arraycopy(l == 0 ? gates : bias[l], l == 0 ? gatesOff : 0, scratch, 0, g);
            StepKernel.accumulatePanelRows(panels[l], inSize + h, g, skip, inSize + h - skip, scratch, g + skip, scratch, 0,
                    reversed);
            StepKernel.gates(scratch, 0, h, s, state.hOffset(l), state.cOffset(l));
            in = s;
            inOff = state.hOffset(l);
        }
    }

    /**
     * The first layer's bias plus its product with the first {@code width} inputs, for each of the
     * {@code count} rows of {@code rows} ({@code [count][width]}, row-major): {@code [count][4H]},
     * rows for {@link #step(float[], int, float[], int, int, LstmState, float[])}.
     */
    public float[] leadingInputGates(float[] rows, int count, int width) {
        int in = config.layerInputSize(0);
        if (width < 0 || width > in) {
            throw new IllegalArgumentException("width " + width + " is not within the first layer's " + in + " inputs");
        }
        int g = 4 * config.hiddenSize();
        int k = in + config.hiddenSize();
        float[] out = new float[Math.multiplyExact(count, g)];
        for (int r = 0; r < count; r++) {
            System.arraycopy(bias[0], 0, out, r * g, g);
            StepKernel.accumulatePanelRows(panels[0], k, g, 0, width, rows, r * width, out, r * g, false);
        }
        return out;
    }

    /**
     * A state of another shape (say, kept from a model version with more layers) would be read at
     * offsets that mean something else, silently; two comparisons per step rule that out.
     */
    private void requireFits(LstmState state) {
        if (!state.fits(config)) {
            throw new IllegalArgumentException("state of " + state.numLayers() + " layer(s) of hidden size "
                    + state.hiddenSize() + " does not fit this LSTM (" + config.numLayers()
                    + " layer(s) of hidden size " + config.hiddenSize() + "); start from LstmState.zeros(config)");
        }
    }

    /** {@link #step} returning a new state and leaving {@code state} unchanged. */
    public LstmState step(float[] x, LstmState state) {
        LstmState next = state.copy();
        step(x, 0, next, newScratch());
        return next;
    }

    /**
     * Advances {@code states[0..n)} by one step each; element {@code b} is
     * {@code x[b * input_size ..]}. Per layer one product {@code [n, in + H] x [in + H, 4H]}.
     */
    public void stepBatch(float[] x, LstmState[] states, int n, BatchScratch scratch) {
        stepBatch(x, null, null, 0, states, n, scratch);
    }

    /**
     * {@link #stepBatch(float[], LstmState[], int, BatchScratch)} where element {@code b}'s first
     * {@code known} inputs' share of the first layer's gates is row {@code gateRows[b]} of
     * {@code gates} ({@link #leadingInputGates}), or computed here where {@code gateRows[b] < 0}: the
     * product multiplies only the other inputs and h.
     */
    public void stepBatch(float[] x, float[] gates, int[] gateRows, int known, LstmState[] states, int n,
                          BatchScratch scratch) {
        stepMany(x, gates, gateRows, known, states, n, scratch, true);
    }

    /**
     * Advances {@code states[0..n)} as {@link #step} would, one after another, and to the same bits,
     * but a few states at a time ({@link StepKernel#accumulatePanelRowsEach}): each weight is read
     * once per four states, not once per state. The arguments are {@link #stepBatch}'s. While the
     * weights fit in L2 ({@link #batchesStepEach}) this is the fastest way through a batch; its
     * cost per state falls with the batch up to four states.
     */
    public void stepEach(float[] x, float[] gates, int[] gateRows, int known, LstmState[] states, int n,
                         BatchScratch scratch) {
        stepMany(x, gates, gateRows, known, states, n, scratch, false);
    }

    /** {@link #stepEach} without a gate table. */
    public void stepEach(float[] x, LstmState[] states, int n, BatchScratch scratch) {
        stepMany(x, null, null, 0, states, n, scratch, false);
    }

    /**
     * The batched step: per layer the inputs and h of every state side by side, their pre-activations
     * from a gate-table row or the bias, then one product ({@code product}) or the panel kernel for
     * a few states at a time, then each state's gates.
     */
    private void stepMany(float[] x, float[] gates, int[] gateRows, int known, LstmState[] states, int n,
                          BatchScratch scratch, boolean product) {
        for (int b = 0; b < n; b++) {
            requireFits(states[b]);
        }
        int h = config.hiddenSize();
        int g = 4 * h;
        scratch.ensure(n);
        float[] xin = x;
        for (int l = 0; l < config.numLayers(); l++) {
            int in = config.layerInputSize(l);
            int skip = l == 0 ? known : 0;
            int k = in + h - skip;
            float[] cat = scratch.concat;
            for (int b = 0; b < n; b++) {
                float[] s = states[b].values();
                if (l == 0) {
                    System.arraycopy(xin, b * in + skip, cat, b * k, in - skip);
                } else {
                    System.arraycopy(s, states[b].hOffset(l - 1), cat, b * k, in);
                }
                System.arraycopy(s, states[b].hOffset(l), cat, b * k + in - skip, h);
            }
            float[] z = scratch.z;
            for (int b = 0; b < n; b++) {
                if (skip > 0 && gateRows[b] >= 0) {
                    System.arraycopy(gates, gateRows[b] * g, z, b * g, g);
                } else {
                    System.arraycopy(bias[l], 0, z, b * g, g);
                    if (skip > 0) {
                        StepKernel.accumulate(weights[0], 0, g, xin, b * in, skip, z, b * g);
                    }
                }
            }
            if (product) {
                scratch.gemm.gemm(false, false, n, g, k, cat, 0, weights[l], skip * g, 1f, z, 0);
            } else {
                StepKernel.accumulatePanelRowsEach(panels[l], in + h, g, skip, k, cat, 0, k, z, 0, g, n);
            }
            for (int b = 0; b < n; b++) {
                LstmState st = states[b];
                StepKernel.gates(z, b * g, h, st.values(), st.hOffset(l), st.cOffset(l));
            }
        }
    }

    /** Buffers for {@link #stepBatch}, grown on demand; one per thread. */
    public final class BatchScratch {
        private final Gemm gemm;
        private float[] concat = new float[0];
        private float[] z = new float[0];

        public BatchScratch(Gemm gemm) {
            this.gemm = gemm;
        }

        void ensure(int n) {
            int h = config.hiddenSize();
            int k = Math.max(config.inputSize(), h) + h;
            if (concat.length < n * k) {
                concat = new float[n * k];
            }
            if (z.length < n * 4 * h) {
                z = new float[n * 4 * h];
            }
        }
    }

    public BatchScratch newBatchScratch() {
        return new BatchScratch(new Gemm());
    }

    /**
     * Whole sequences {@code x[T][B][input_size]} (seq-first), each batch entry from its own state
     * (advanced in place); returns the top layer's outputs {@code out[T][B][H]}. Each step is
     * {@link #stepEach}, so the result equals stepping each sequence one element at a time, bit for
     * bit: offline prediction and the streaming job agree by construction. A sequence shorter than
     * T may be padded with anything; its outputs past its end are not meaningful.
     */
    public float[] forwardSequence(float[] x, int steps, int batch, LstmState[] states) {
        int in = config.inputSize();
        int h = config.hiddenSize();
        BatchScratch scratch = new BatchScratch(null); // stepEach multiplies in Java, with no Gemm
        float[] xt = new float[batch * in];
        float[] out = new float[steps * batch * h];
        for (int t = 0; t < steps; t++) {
            System.arraycopy(x, t * batch * in, xt, 0, batch * in);
            stepEach(xt, states, batch, scratch);
            for (int b = 0; b < batch; b++) {
                LstmState s = states[b];
                System.arraycopy(s.values(), s.hOffset(config.numLayers() - 1), out, (t * batch + b) * h, h);
            }
        }
        return out;
    }
}
