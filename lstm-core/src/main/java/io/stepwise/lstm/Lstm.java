package io.stepwise.lstm;

import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.ParameterSet;
import io.stepwise.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A trainable {@code nn.LSTM}: its parameters live in a {@link ParameterSet} under
 * {@code <prefix>weight_ih_l0}, ... exactly as in the PyTorch module's {@code state_dict()}.
 *
 * <p>{@link #forward} runs whole sequences for a batch (seq-first, {@code x[T][B][input]}) and keeps
 * what backpropagation through time needs; {@link #backward} is that BPTT, written once for any
 * number of layers. The input projection of all T steps is one matrix product up front, so only
 * the recurrent product remains inside the time loop; weight gradients are one product per matrix
 * over all steps at the end. Products with a zero operand are skipped: the recurrent one at the
 * first step when the state starts at zero (the usual case in training, and for sequences of
 * length 2, half of all recurrent work), and the gradient reaching the initial state, which
 * nobody asks for.
 */
public final class Lstm {

    private final LstmConfig config;
    private final String prefix;
    private final Tensor[] weightIh;
    private final Tensor[] weightHh;
    private final Tensor[] biasIh;
    private final Tensor[] biasHh;
    private final ParameterSet.Parameter[][] params; // [layer][ih, hh, bih, bhh]

    public Lstm(LstmConfig config, ParameterSet set, String prefix) {
        this(config, set, prefix, "");
    }

    /**
     * An LSTM whose parameter names end in {@code suffix}: {@code "_reverse"} names the backward
     * direction of a bidirectional {@code nn.LSTM} ({@code weight_ih_l0_reverse}, ...), which runs
     * forwards over the reversed sequence.
     */
    public Lstm(LstmConfig config, ParameterSet set, String prefix, String suffix) {
        this.config = config;
        this.prefix = prefix;
        int layers = config.numLayers();
        int g = config.gateRows();
        weightIh = new Tensor[layers];
        weightHh = new Tensor[layers];
        biasIh = new Tensor[layers];
        biasHh = new Tensor[layers];
        params = new ParameterSet.Parameter[layers][];
        for (int l = 0; l < layers; l++) {
            weightIh[l] = set.add(prefix + LstmConfig.weightIh(l) + suffix, g, config.layerInputSize(l));
            weightHh[l] = set.add(prefix + LstmConfig.weightHh(l) + suffix, g, config.hiddenSize());
            biasIh[l] = set.add(prefix + LstmConfig.biasIh(l) + suffix, g);
            biasHh[l] = set.add(prefix + LstmConfig.biasHh(l) + suffix, g);
            params[l] = new ParameterSet.Parameter[]{
                set.get(prefix + LstmConfig.weightIh(l) + suffix), set.get(prefix + LstmConfig.weightHh(l) + suffix),
                set.get(prefix + LstmConfig.biasIh(l) + suffix), set.get(prefix + LstmConfig.biasHh(l) + suffix)};
        }
    }

    public LstmConfig config() {
        return config;
    }

    /** PyTorch's default: every parameter U(-1/sqrt(H), 1/sqrt(H)). */
    public void initDefault(ParameterSet set, SplittableRandom rng) {
        float bound = (float) (1.0 / Math.sqrt(config.hiddenSize()));
        for (ParameterSet.Parameter[] layer : params) {
            for (ParameterSet.Parameter p : layer) {
                set.initUniform(p.name(), bound, rng);
            }
        }
    }

    /** The weights under their unprefixed PyTorch names, as {@link PackedLstm#pack} takes them. */
    public Map<String, Tensor> weights() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int l = 0; l < config.numLayers(); l++) {
            m.put(LstmConfig.weightIh(l), weightIh[l]);
            m.put(LstmConfig.weightHh(l), weightHh[l]);
            m.put(LstmConfig.biasIh(l), biasIh[l]);
            m.put(LstmConfig.biasHh(l), biasHh[l]);
        }
        return m;
    }

    public PackedLstm pack() {
        return PackedLstm.pack(config, weights());
    }

    /** What {@link #forward} keeps per layer for the backward pass. */
    public static final class Trace {
        final int steps;
        final int batch;
        final float[][] input;  // [layer] -> [T * B * in_l]
        final float[][] act;    // [layer] -> [T * B * 4H], activated i, f, g, o
        final float[][] hs;     // [layer] -> [(T + 1) * B * H], h_0 .. h_T
        final float[][] cs;     // [layer] -> [(T + 1) * B * H], c_0 .. c_T
        final float[][] tanhC;  // [layer] -> [T * B * H]
        final boolean zeroStart; // h_0 is zero in every layer

        Trace(int layers, int steps, int batch, boolean zeroStart) {
            this.steps = steps;
            this.batch = batch;
            this.zeroStart = zeroStart;
            input = new float[layers][];
            act = new float[layers][];
            hs = new float[layers][];
            cs = new float[layers][];
            tanhC = new float[layers][];
        }

        /** The top layer's outputs {@code out[T][B][H]} (a copy). */
        public float[] output() {
            float[] top = hs[hs.length - 1];
            int n = top.length - topStride();
            float[] out = new float[n];
            System.arraycopy(top, topStride(), out, 0, n);
            return out;
        }

        /** {@code h_n[L][B][H]}: each layer's hidden state after the last step. */
        public float[] hN() {
            return last(hs);
        }

        /** {@code c_n[L][B][H]}. */
        public float[] cN() {
            return last(cs);
        }

        private int topStride() {
            return hs[hs.length - 1].length / (steps + 1);
        }

        private float[] last(float[][] perLayer) {
            int bh = topStride();
            float[] out = new float[perLayer.length * bh];
            for (int l = 0; l < perLayer.length; l++) {
                System.arraycopy(perLayer[l], steps * bh, out, l * bh, bh);
            }
            return out;
        }

        public int steps() {
            return steps;
        }

        public int batch() {
            return batch;
        }
    }

    /**
     * Runs {@code x[T][B][input_size]} through all layers. {@code h0}, {@code c0} are
     * {@code [L][B][H]}, or null for zeros, as in {@code nn.LSTM}.
     */
    public Trace forward(float[] x, int steps, int batch, float[] h0, float[] c0, Gemm gemm) {
        int layers = config.numLayers();
        int h = config.hiddenSize();
        int g = 4 * h;
        int bh = batch * h;
        Trace tr = new Trace(layers, steps, batch, h0 == null);
        float[] in = x;
        for (int l = 0; l < layers; l++) {
            int inSize = config.layerInputSize(l);
            tr.input[l] = in;
            float[] act = new float[steps * batch * g];
            float[] hs = new float[(steps + 1) * bh];
            float[] cs = new float[(steps + 1) * bh];
            float[] tanhC = new float[steps * bh];
            if (h0 != null) {
                System.arraycopy(h0, l * bh, hs, 0, bh);
            }
            if (c0 != null) {
                System.arraycopy(c0, l * bh, cs, 0, bh);
            }
            // input projection of every step at once: act = x W_ih^T + b_ih + b_hh
            gemm.gemm(false, true, steps * batch, g, inSize, in, weightIh[l].data(), 0f, act);
            float[] bih = biasIh[l].data();
            float[] bhh = biasHh[l].data();
            float[] bsum = new float[g];
            for (int r = 0; r < g; r++) {
                bsum[r] = bih[r] + bhh[r];
            }
            for (int row = 0; row < steps * batch; row++) {
                StepKernel.axpy(1f, bsum, 0, act, row * g, g);
            }
            float[] whh = weightHh[l].data();
            for (int t = 0; t < steps; t++) {
                int zOff = t * batch * g;
                if (t > 0 || h0 != null) {
                    gemm.gemm(false, true, batch, g, h, hs, t * bh, whh, 0, 1f, act, zOff);
                }
                for (int b = 0; b < batch; b++) {
                    int s = t * bh + b * h;
                    StepKernel.gatesForward(act, zOff + b * g, h, cs, s, cs, s + bh, tanhC, s, hs, s + bh);
                }
            }
            tr.act[l] = act;
            tr.hs[l] = hs;
            tr.cs[l] = cs;
            tr.tanhC[l] = tanhC;
            if (l + 1 < layers) {
                float[] next = new float[steps * bh];
                System.arraycopy(hs, bh, next, 0, steps * bh);
                in = next;
            }
        }
        return tr;
    }

    /**
     * Backpropagation through time. {@code dOut[T][B][H]} is the loss gradient with respect to the
     * top layer's outputs. Adds the parameter gradients to the set's gradient tensors and returns
     * the gradient with respect to the input {@code x[T][B][input_size]}.
     */
    public float[] backward(Trace tr, float[] dOut, Gemm gemm) {
        return backward(tr, dOut, gemm, true);
    }

    /**
     * {@link #backward(Trace, float[], Gemm)} for a caller that does not need the gradient with
     * respect to the input (the input is data, not an embedding): it skips that last product.
     */
    public void backwardWeights(Trace tr, float[] dOut, Gemm gemm) {
        backward(tr, dOut, gemm, false);
    }

    private float[] backward(Trace tr, float[] dOut, Gemm gemm, boolean inputGradient) {
        int steps = tr.steps;
        int batch = tr.batch;
        int h = config.hiddenSize();
        int g = 4 * h;
        int bh = batch * h;
        float[] dAbove = dOut;
        float[] dIn = null;
        for (int l = config.numLayers() - 1; l >= 0; l--) {
            int inSize = config.layerInputSize(l);
            float[] act = tr.act[l];
            float[] cs = tr.cs[l];
            float[] tanhC = tr.tanhC[l];
            float[] whh = weightHh[l].data();
            float[] dz = new float[steps * batch * g];
            float[] dh = new float[bh];
            float[] dhNext = new float[bh];
            float[] dc = new float[bh];
            for (int t = steps - 1; t >= 0; t--) {
                for (int i = 0; i < bh; i++) {
                    dh[i] = dAbove[t * bh + i] + dhNext[i];
                }
                int zOff = t * batch * g;
                for (int b = 0; b < batch; b++) {
                    StepKernel.gatesBackward(act, zOff + b * g, h, cs, t * bh + b * h, tanhC, t * bh + b * h,
                            dh, b * h, dc, b * h, dz, zOff + b * g);
                }
                // gradient reaching h_{t-1}: dz_t W_hh (none wanted for h_0)
                if (t > 0) {
                    gemm.gemm(false, false, batch, h, g, dz, zOff, whh, 0, 0f, dhNext, 0);
                }
            }
            ParameterSet.Parameter[] p = params[l];
            gemm.gemm(true, false, g, inSize, steps * batch, dz, 0, tr.input[l], 0, 1f, p[0].gradData(), 0);
            // dW_hh = sum over t of dz_t^T h_{t-1}; a zero h_0 adds nothing
            int first = tr.zeroStart ? 1 : 0;
            gemm.gemm(true, false, g, h, Math.max(0, steps - first) * batch, dz, first * batch * g, tr.hs[l], first * bh, 1f, p[1].gradData(), 0);
            float[] dbih = p[2].gradData();
            float[] dbhh = p[3].gradData();
            float[] colSum = new float[g];
            for (int row = 0; row < steps * batch; row++) {
                StepKernel.axpy(1f, dz, row * g, colSum, 0, g);
            }
            for (int r = 0; r < g; r++) {
                dbih[r] += colSum[r];
                dbhh[r] += colSum[r];
            }
            if (l == 0 && !inputGradient) {
                return null;
            }
            dIn = new float[steps * batch * inSize];
            gemm.gemm(false, false, steps * batch, inSize, g, dz, 0, weightIh[l].data(), 0, 0f, dIn, 0);
            dAbove = dIn;
        }
        return dIn;
    }

    public String prefix() {
        return prefix;
    }
}
