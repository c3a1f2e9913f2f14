package io.stepwise.lstm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float kernels of one LSTM step, on the Java Vector API.
 *
 * <p>One step at these sizes is a few thousand multiply-adds: a call into a native library per
 * operation costs more than the arithmetic (docs/architecture.md, "Performance shape"). So the step stays in
 * Java. Weights are stored input-major ({@code [K][4H]}, the transpose of PyTorch's
 * {@code weight_ih}/{@code weight_hh}) so that the inner loop is a broadcast of one input value
 * times a contiguous row of 4H gate weights, accumulated in registers ({@link #accumulate}).
 */
public final class StepKernel {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Columns per weight panel ({@link #toPanels}): the eight accumulators of {@link #accumulateAt}'s main block. */
    public static final int PANEL = 8 * L;
    /** 512-bit vectors: the CPU has 32 vector registers, room for {@link #accumulate16}. */
    static final boolean WIDE = L >= 16;

    private StepKernel() {
    }

    /**
     * {@code z[0..g) += sum over k < n of v[vOff + k] * w[(row0 + k) * g + 0..g)}: a vector times an
     * input-major matrix. Sixteen (AVX-512) or eight accumulators per output block keep the partial
     * sums in registers while the loop walks the rows, so each weight is loaded exactly once. Every
     * output sums its terms in row order whatever the blocking, so all paths give the same bits.
     */
    public static void accumulate(float[] w, int row0, int g, float[] v, int vOff, int n, float[] z, int zOff) {
        accumulateAt(w, row0 * g, g, v, vOff, n, z, zOff);
    }

    /**
     * {@link #accumulate} with the matrix starting at element {@code wOff} of {@code w}, which need not
     * be a whole number of rows: {@code z[0..g) += sum over k < n of v[vOff + k] * w[wOff + k * g + 0..g)}.
     */
    public static void accumulateAt(float[] w, int wOff, int g, float[] v, int vOff, int n, float[] z, int zOff) {
        int o = 0;
        if (WIDE) {
            for (; o + 16 * L <= g; o += 16 * L) {
                accumulate16(w, wOff + o, g, v, vOff, n, z, zOff + o);
            }
        }
        for (; o + 8 * L <= g; o += 8 * L) {
            FloatVector a0 = FloatVector.fromArray(S, z, zOff + o);
            FloatVector a1 = FloatVector.fromArray(S, z, zOff + o + L);
            FloatVector a2 = FloatVector.fromArray(S, z, zOff + o + 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, z, zOff + o + 3 * L);
            FloatVector a4 = FloatVector.fromArray(S, z, zOff + o + 4 * L);
            FloatVector a5 = FloatVector.fromArray(S, z, zOff + o + 5 * L);
            FloatVector a6 = FloatVector.fromArray(S, z, zOff + o + 6 * L);
            FloatVector a7 = FloatVector.fromArray(S, z, zOff + o + 7 * L);
            for (int k = 0; k < n; k++) {
                FloatVector x = FloatVector.broadcast(S, v[vOff + k]);
                int base = wOff + k * g + o;
                a0 = FloatVector.fromArray(S, w, base).fma(x, a0);
                a1 = FloatVector.fromArray(S, w, base + L).fma(x, a1);
                a2 = FloatVector.fromArray(S, w, base + 2 * L).fma(x, a2);
                a3 = FloatVector.fromArray(S, w, base + 3 * L).fma(x, a3);
                a4 = FloatVector.fromArray(S, w, base + 4 * L).fma(x, a4);
                a5 = FloatVector.fromArray(S, w, base + 5 * L).fma(x, a5);
                a6 = FloatVector.fromArray(S, w, base + 6 * L).fma(x, a6);
                a7 = FloatVector.fromArray(S, w, base + 7 * L).fma(x, a7);
            }
            a0.intoArray(z, zOff + o);
            a1.intoArray(z, zOff + o + L);
            a2.intoArray(z, zOff + o + 2 * L);
            a3.intoArray(z, zOff + o + 3 * L);
            a4.intoArray(z, zOff + o + 4 * L);
            a5.intoArray(z, zOff + o + 5 * L);
            a6.intoArray(z, zOff + o + 6 * L);
            a7.intoArray(z, zOff + o + 7 * L);
        }
        for (; o + L <= g; o += L) {
            FloatVector a = FloatVector.fromArray(S, z, zOff + o);
            for (int k = 0; k < n; k++) {
                a = FloatVector.fromArray(S, w, wOff + k * g + o).fma(FloatVector.broadcast(S, v[vOff + k]), a);
            }
            a.intoArray(z, zOff + o);
        }
        for (; o < g; o++) {
            float a = z[zOff + o];
            for (int k = 0; k < n; k++) {
                a = Math.fma(v[vOff + k], w[wOff + k * g + o], a);
            }
            z[zOff + o] = a;
        }
    }

    /**
     * The columns of {@code w} ({@code [k][g]}, row-major) in panels of {@link #PANEL} (the last one
     * narrower where g is not a multiple), each panel row-major and contiguous: the layout
     * {@link #accumulatePanels} walks. Streaming two 33 KB panels at input 1 / hidden 64 took
     * 0.55 us against 0.66-0.77 us for whole 66 KB rows with sixteen accumulators.
     */
    public static float[] toPanels(float[] w, int k, int g) {
        float[] out = new float[w.length];
        for (int col = 0; col < g; col += PANEL) {
            int width = Math.min(PANEL, g - col);
            for (int r = 0; r < k; r++) {
                System.arraycopy(w, r * g + col, out, col * k + r * width, width);
            }
        }
        return out;
    }

    /**
     * {@link #accumulate} over weights laid out by {@link #toPanels}: {@code z[0..g) += sum over
     * r < k of v[vOff + r] * w[r][0..g)}, one panel at a time with all its outputs in registers,
     * the panels in reverse order when {@code reversed}. Each output sums its rows in order either
     * way, so the result is the same bits as {@link #accumulate} on the row-major matrix.
     */
    public static void accumulatePanels(float[] panels, int k, int g, float[] v, int vOff, float[] z, int zOff,
                                        boolean reversed) {
        accumulatePanelRows(panels, k, g, 0, k, v, vOff, z, zOff, reversed);
    }

    /**
     * {@link #accumulatePanels} over rows {@code [first, first + n)} of the {@code k} only, with
     * {@code v[vOff ..]} holding those rows' values. Each output adds its rows in order, so rows
     * {@code [0, first)} added before (say, into a table) and the rest here give the same bits as
     * one pass over all {@code k}.
     */
    public static void accumulatePanelRows(float[] panels, int k, int g, int first, int n, float[] v, int vOff, float[] z,
                                           int zOff, boolean reversed) {
        int count = (g + PANEL - 1) / PANEL;
        for (int i = 0; i < count; i++) {
            int col = (reversed ? count - 1 - i : i) * PANEL;
            int width = Math.min(PANEL, g - col);
            accumulateAt(panels, col * k + first * width, width, v, vOff, n, z, zOff + col);
        }
    }

    /**
     * Streams per call of the blocked kernels of {@link #accumulatePanelRowsEach}: four where 32 vector
     * registers hold their sixteen accumulators (AVX-512), else two (AVX2's 16 registers hold eight).
     * With the JVM held to AVX2 ({@code -XX:UseAVX=2}), 128 streams at input 64 / hidden 128: four
     * at a time spilled and gained nothing over one at a time (1.0-1.1x), two at a time 1.6-2.0x;
     * on AVX-512 four at a time gained 2.4-3.0x.
     */
    static final int GROUP = WIDE ? 4 : 2;

    /**
     * {@link #accumulatePanelRows} for {@code m} streams at once: stream {@code e}'s values are
     * {@code v[vOff + e * vStride ..]} and its outputs {@code z[zOff + e * zStride ..]}. Each weight
     * is loaded once for up to {@link #GROUP} streams and multiplied with each of their values, where
     * {@link #accumulatePanelRows} loads it once per stream: one step reads the EWT-size tagger's
     * 256 KB of recurrent weights from L2 at about 64 GB/s, which is what bounds it, not the
     * multiply-adds (docs/benchmarks.md, "Four streams at a time"). Every output still adds its rows in
     * order, so each stream gets the bits {@link #accumulatePanelRows} would give it.
     */
    public static void accumulatePanelRowsEach(float[] panels, int k, int g, int first, int n, float[] v, int vOff,
                                               int vStride, float[] z, int zOff, int zStride, int m) {
        int count = (g + PANEL - 1) / PANEL;
        for (int i = 0; i < count; i++) {
            int col = i * PANEL;
            int width = Math.min(PANEL, g - col);
            int wOff = col * k + first * width;
            int e = 0;
            if (width % (4 * L) == 0) {
                for (; GROUP == 4 && e + 4 <= m; e += 4) {
                    for (int c = 0; c < width; c += 4 * L) {
                        fourStreams(panels, wOff + c, width, v, vOff + e * vStride, vStride, n, z,
                                zOff + e * zStride + col + c, zStride);
                    }
                }
                for (; e + 2 <= m; e += 2) {
                    for (int c = 0; c < width; c += 4 * L) {
                        twoStreams(panels, wOff + c, width, v, vOff + e * vStride, vStride, n, z,
                                zOff + e * zStride + col + c, zStride);
                    }
                }
            }
            for (; e < m; e++) {
                accumulateAt(panels, wOff, width, v, vOff + e * vStride, n, z, zOff + e * zStride + col);
            }
        }
    }

    /**
     * Four streams' {@code 4L} outputs at {@code z[zOff + e * zStride ..]} plus the sum over
     * {@code n} rows (stride {@code stride}, from {@code w[wOff]}) of their values times the row:
     * sixteen accumulators, one load per weight vector for four multiply-adds.
     */
    static void fourStreams(float[] w, int wOff, int stride, float[] v, int vOff, int vStride, int n, float[] z, int zOff,
                            int zStride) {
        int z1 = zOff + zStride;
        int z2 = z1 + zStride;
        int z3 = z2 + zStride;
        FloatVector a0 = FloatVector.fromArray(S, z, zOff);
        FloatVector a1 = FloatVector.fromArray(S, z, zOff + L);
        FloatVector a2 = FloatVector.fromArray(S, z, zOff + 2 * L);
        FloatVector a3 = FloatVector.fromArray(S, z, zOff + 3 * L);
        FloatVector b0 = FloatVector.fromArray(S, z, z1);
        FloatVector b1 = FloatVector.fromArray(S, z, z1 + L);
        FloatVector b2 = FloatVector.fromArray(S, z, z1 + 2 * L);
        FloatVector b3 = FloatVector.fromArray(S, z, z1 + 3 * L);
        FloatVector c0 = FloatVector.fromArray(S, z, z2);
        FloatVector c1 = FloatVector.fromArray(S, z, z2 + L);
        FloatVector c2 = FloatVector.fromArray(S, z, z2 + 2 * L);
        FloatVector c3 = FloatVector.fromArray(S, z, z2 + 3 * L);
        FloatVector d0 = FloatVector.fromArray(S, z, z3);
        FloatVector d1 = FloatVector.fromArray(S, z, z3 + L);
        FloatVector d2 = FloatVector.fromArray(S, z, z3 + 2 * L);
        FloatVector d3 = FloatVector.fromArray(S, z, z3 + 3 * L);
        int v1 = vOff + vStride;
        int v2 = v1 + vStride;
        int v3 = v2 + vStride;
        for (int r = 0; r < n; r++) {
            FloatVector x0 = FloatVector.broadcast(S, v[vOff + r]);
            FloatVector x1 = FloatVector.broadcast(S, v[v1 + r]);
            FloatVector x2 = FloatVector.broadcast(S, v[v2 + r]);
            FloatVector x3 = FloatVector.broadcast(S, v[v3 + r]);
            int base = wOff + r * stride;
            FloatVector w0 = FloatVector.fromArray(S, w, base);
            a0 = w0.fma(x0, a0);
            b0 = w0.fma(x1, b0);
            c0 = w0.fma(x2, c0);
            d0 = w0.fma(x3, d0);
            FloatVector w1 = FloatVector.fromArray(S, w, base + L);
            a1 = w1.fma(x0, a1);
            b1 = w1.fma(x1, b1);
            c1 = w1.fma(x2, c1);
            d1 = w1.fma(x3, d1);
            FloatVector w2 = FloatVector.fromArray(S, w, base + 2 * L);
            a2 = w2.fma(x0, a2);
            b2 = w2.fma(x1, b2);
            c2 = w2.fma(x2, c2);
            d2 = w2.fma(x3, d2);
            FloatVector w3 = FloatVector.fromArray(S, w, base + 3 * L);
            a3 = w3.fma(x0, a3);
            b3 = w3.fma(x1, b3);
            c3 = w3.fma(x2, c3);
            d3 = w3.fma(x3, d3);
        }
        a0.intoArray(z, zOff);
        a1.intoArray(z, zOff + L);
        a2.intoArray(z, zOff + 2 * L);
        a3.intoArray(z, zOff + 3 * L);
        b0.intoArray(z, z1);
        b1.intoArray(z, z1 + L);
        b2.intoArray(z, z1 + 2 * L);
        b3.intoArray(z, z1 + 3 * L);
        c0.intoArray(z, z2);
        c1.intoArray(z, z2 + L);
        c2.intoArray(z, z2 + 2 * L);
        c3.intoArray(z, z2 + 3 * L);
        d0.intoArray(z, z3);
        d1.intoArray(z, z3 + L);
        d2.intoArray(z, z3 + 2 * L);
        d3.intoArray(z, z3 + 3 * L);
    }

    /** {@link #fourStreams} for two streams: eight accumulators, which AVX2's 16 registers hold. */
    static void twoStreams(float[] w, int wOff, int stride, float[] v, int vOff, int vStride, int n, float[] z, int zOff,
                           int zStride) {
        int z1 = zOff + zStride;
        FloatVector a0 = FloatVector.fromArray(S, z, zOff);
        FloatVector a1 = FloatVector.fromArray(S, z, zOff + L);
        FloatVector a2 = FloatVector.fromArray(S, z, zOff + 2 * L);
        FloatVector a3 = FloatVector.fromArray(S, z, zOff + 3 * L);
        FloatVector b0 = FloatVector.fromArray(S, z, z1);
        FloatVector b1 = FloatVector.fromArray(S, z, z1 + L);
        FloatVector b2 = FloatVector.fromArray(S, z, z1 + 2 * L);
        FloatVector b3 = FloatVector.fromArray(S, z, z1 + 3 * L);
        int v1 = vOff + vStride;
        for (int r = 0; r < n; r++) {
            FloatVector x0 = FloatVector.broadcast(S, v[vOff + r]);
            FloatVector x1 = FloatVector.broadcast(S, v[v1 + r]);
            int base = wOff + r * stride;
            FloatVector w0 = FloatVector.fromArray(S, w, base);
            a0 = w0.fma(x0, a0);
            b0 = w0.fma(x1, b0);
            FloatVector w1 = FloatVector.fromArray(S, w, base + L);
            a1 = w1.fma(x0, a1);
            b1 = w1.fma(x1, b1);
            FloatVector w2 = FloatVector.fromArray(S, w, base + 2 * L);
            a2 = w2.fma(x0, a2);
            b2 = w2.fma(x1, b2);
            FloatVector w3 = FloatVector.fromArray(S, w, base + 3 * L);
            a3 = w3.fma(x0, a3);
            b3 = w3.fma(x1, b3);
        }
        a0.intoArray(z, zOff);
        a1.intoArray(z, zOff + L);
        a2.intoArray(z, zOff + 2 * L);
        a3.intoArray(z, zOff + 3 * L);
        b0.intoArray(z, z1);
        b1.intoArray(z, z1 + L);
        b2.intoArray(z, z1 + 2 * L);
        b3.intoArray(z, z1 + 3 * L);
    }

    /**
     * Sixteen accumulators of 512 bits: 256 outputs of a row-major matrix in one pass over the
     * rows, so each input value is broadcast once, not once per block of eight (Java-path products
     * with wide rows, such as {@code predict}'s; the step itself walks column panels instead).
     * Measured over 65 rows of 256: 0.58 us against 0.74 us with eight. Only where vectors hold
     * 16 floats: AVX-512 has 32 vector registers for the 16 accumulators, the broadcast and the
     * loads, AVX2's 16 would spill.
     */
    private static void accumulate16(float[] w, int wOff, int g, float[] v, int vOff, int n, float[] z, int zOff) {
        FloatVector a0 = FloatVector.fromArray(S, z, zOff);
        FloatVector a1 = FloatVector.fromArray(S, z, zOff + L);
        FloatVector a2 = FloatVector.fromArray(S, z, zOff + 2 * L);
        FloatVector a3 = FloatVector.fromArray(S, z, zOff + 3 * L);
        FloatVector a4 = FloatVector.fromArray(S, z, zOff + 4 * L);
        FloatVector a5 = FloatVector.fromArray(S, z, zOff + 5 * L);
        FloatVector a6 = FloatVector.fromArray(S, z, zOff + 6 * L);
        FloatVector a7 = FloatVector.fromArray(S, z, zOff + 7 * L);
        FloatVector a8 = FloatVector.fromArray(S, z, zOff + 8 * L);
        FloatVector a9 = FloatVector.fromArray(S, z, zOff + 9 * L);
        FloatVector a10 = FloatVector.fromArray(S, z, zOff + 10 * L);
        FloatVector a11 = FloatVector.fromArray(S, z, zOff + 11 * L);
        FloatVector a12 = FloatVector.fromArray(S, z, zOff + 12 * L);
        FloatVector a13 = FloatVector.fromArray(S, z, zOff + 13 * L);
        FloatVector a14 = FloatVector.fromArray(S, z, zOff + 14 * L);
        FloatVector a15 = FloatVector.fromArray(S, z, zOff + 15 * L);
        for (int k = 0; k < n; k++) {
            FloatVector x = FloatVector.broadcast(S, v[vOff + k]);
            int base = wOff + k * g;
            a0 = FloatVector.fromArray(S, w, base).fma(x, a0);
            a1 = FloatVector.fromArray(S, w, base + L).fma(x, a1);
            a2 = FloatVector.fromArray(S, w, base + 2 * L).fma(x, a2);
            a3 = FloatVector.fromArray(S, w, base + 3 * L).fma(x, a3);
            a4 = FloatVector.fromArray(S, w, base + 4 * L).fma(x, a4);
            a5 = FloatVector.fromArray(S, w, base + 5 * L).fma(x, a5);
            a6 = FloatVector.fromArray(S, w, base + 6 * L).fma(x, a6);
            a7 = FloatVector.fromArray(S, w, base + 7 * L).fma(x, a7);
            a8 = FloatVector.fromArray(S, w, base + 8 * L).fma(x, a8);
            a9 = FloatVector.fromArray(S, w, base + 9 * L).fma(x, a9);
            a10 = FloatVector.fromArray(S, w, base + 10 * L).fma(x, a10);
            a11 = FloatVector.fromArray(S, w, base + 11 * L).fma(x, a11);
            a12 = FloatVector.fromArray(S, w, base + 12 * L).fma(x, a12);
            a13 = FloatVector.fromArray(S, w, base + 13 * L).fma(x, a13);
            a14 = FloatVector.fromArray(S, w, base + 14 * L).fma(x, a14);
            a15 = FloatVector.fromArray(S, w, base + 15 * L).fma(x, a15);
        }
        a0.intoArray(z, zOff);
        a1.intoArray(z, zOff + L);
        a2.intoArray(z, zOff + 2 * L);
        a3.intoArray(z, zOff + 3 * L);
        a4.intoArray(z, zOff + 4 * L);
        a5.intoArray(z, zOff + 5 * L);
        a6.intoArray(z, zOff + 6 * L);
        a7.intoArray(z, zOff + 7 * L);
        a8.intoArray(z, zOff + 8 * L);
        a9.intoArray(z, zOff + 9 * L);
        a10.intoArray(z, zOff + 10 * L);
        a11.intoArray(z, zOff + 11 * L);
        a12.intoArray(z, zOff + 12 * L);
        a13.intoArray(z, zOff + 13 * L);
        a14.intoArray(z, zOff + 14 * L);
        a15.intoArray(z, zOff + 15 * L);
    }

    /**
     * Applies the gates to pre-activations {@code z = [i | f | g | o]} (each {@code h} wide, at
     * {@code zOff}) and updates the cell and hidden state in place:
     * {@code c = sigmoid(f) * c + sigmoid(i) * tanh(g)}, {@code h = sigmoid(o) * tanh(c)}.
     */
    public static void gates(float[] z, int zOff, int h, float[] state, int hOff, int cOff) {
        int j = 0;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (; j + L <= h; j += L) {
            FloatVector i = sigmoid(FloatVector.fromArray(S, z, zOff + j), one);
            FloatVector f = sigmoid(FloatVector.fromArray(S, z, zOff + h + j), one);
            FloatVector g = FloatVector.fromArray(S, z, zOff + 2 * h + j).lanewise(VectorOperators.TANH);
            FloatVector o = sigmoid(FloatVector.fromArray(S, z, zOff + 3 * h + j), one);
            FloatVector c = f.mul(FloatVector.fromArray(S, state, cOff + j)).add(i.mul(g));
            c.intoArray(state, cOff + j);
            o.mul(c.lanewise(VectorOperators.TANH)).intoArray(state, hOff + j);
        }
        for (; j < h; j++) {
            float i = sigmoid(z[zOff + j]);
            float f = sigmoid(z[zOff + h + j]);
            float g = (float) Math.tanh(z[zOff + 2 * h + j]);
            float o = sigmoid(z[zOff + 3 * h + j]);
            float c = f * state[cOff + j] + i * g;
            state[cOff + j] = c;
            state[hOff + j] = o * (float) Math.tanh(c);
        }
    }

    private static FloatVector sigmoid(FloatVector x, FloatVector one) {
        return one.div(x.neg().lanewise(VectorOperators.EXP).add(one));
    }

    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** {@code y[yOff..yOff+n) += a * x[xOff..xOff+n)}. */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector av = FloatVector.broadcast(S, a);
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector.fromArray(S, x, xOff + j).fma(av, FloatVector.fromArray(S, y, yOff + j)).intoArray(y, yOff + j);
        }
        for (; j < n; j++) {
            y[yOff + j] = Math.fma(a, x[xOff + j], y[yOff + j]);
        }
    }

    /** Dot product of two slices of length {@code n}. */
    public static float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j + L <= n; j += L) {
            acc = FloatVector.fromArray(S, x, xOff + j).fma(FloatVector.fromArray(S, y, yOff + j), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            s = Math.fma(x[xOff + j], y[yOff + j], s);
        }
        return s;
    }

    /**
     * {@code y[yOff + r] = bias[r] + dot(w row r, x)} for the {@code rows} rows of {@code w} (each
     * {@code n} long, from {@code wOff}): a small Linear layer's row, as a tagger's head computes it.
     * Four rows at a time share each load of {@code x} and run four independent chains of multiply-adds
     * where {@link #dot} runs one; each row still adds its terms in {@link #dot}'s order, so every
     * output has {@link #dot}'s bits.
     */
    public static void rowDots(float[] w, int wOff, int rows, int n, float[] x, int xOff, float[] bias, float[] y, int yOff) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int w0 = wOff + r * n;
            int w1 = w0 + n;
            int w2 = w1 + n;
            int w3 = w2 + n;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            int j = 0;
            for (; j + L <= n; j += L) {
                FloatVector xv = FloatVector.fromArray(S, x, xOff + j);
                a0 = FloatVector.fromArray(S, w, w0 + j).fma(xv, a0);
                a1 = FloatVector.fromArray(S, w, w1 + j).fma(xv, a1);
                a2 = FloatVector.fromArray(S, w, w2 + j).fma(xv, a2);
                a3 = FloatVector.fromArray(S, w, w3 + j).fma(xv, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            float s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD);
            float s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; j < n; j++) {
                float xj = x[xOff + j];
                s0 = Math.fma(w[w0 + j], xj, s0);
                s1 = Math.fma(w[w1 + j], xj, s1);
                s2 = Math.fma(w[w2 + j], xj, s2);
                s3 = Math.fma(w[w3 + j], xj, s3);
            }
            y[yOff + r] = bias[r] + s0;
            y[yOff + r + 1] = bias[r + 1] + s1;
            y[yOff + r + 2] = bias[r + 2] + s2;
            y[yOff + r + 3] = bias[r + 3] + s3;
        }
        for (; r < rows; r++) {
            y[yOff + r] = bias[r] + dot(w, wOff + r * n, x, xOff, n);
        }
    }

    /**
     * The training form of {@link #gates}: activates the pre-activations {@code z} in place (so that
     * {@code z} then holds i, f, g, o for the backward pass) and writes the new cell state, its tanh
     * and the new hidden state into separate arrays, keeping {@code cPrev} for the backward pass.
     */
    public static void gatesForward(float[] z, int zOff, int h, float[] cPrev, int cpOff,
                                    float[] c, int cOff, float[] tanhC, int tOff, float[] hOut, int hOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int j = 0;
        for (; j + L <= h; j += L) {
            FloatVector i = sigmoid(FloatVector.fromArray(S, z, zOff + j), one);
            FloatVector f = sigmoid(FloatVector.fromArray(S, z, zOff + h + j), one);
            FloatVector g = FloatVector.fromArray(S, z, zOff + 2 * h + j).lanewise(VectorOperators.TANH);
            FloatVector o = sigmoid(FloatVector.fromArray(S, z, zOff + 3 * h + j), one);
            i.intoArray(z, zOff + j);
            f.intoArray(z, zOff + h + j);
            g.intoArray(z, zOff + 2 * h + j);
            o.intoArray(z, zOff + 3 * h + j);
            FloatVector cv = f.mul(FloatVector.fromArray(S, cPrev, cpOff + j)).add(i.mul(g));
            cv.intoArray(c, cOff + j);
            FloatVector tc = cv.lanewise(VectorOperators.TANH);
            tc.intoArray(tanhC, tOff + j);
            o.mul(tc).intoArray(hOut, hOff + j);
        }
        for (; j < h; j++) {
            float i = sigmoid(z[zOff + j]);
            float f = sigmoid(z[zOff + h + j]);
            float g = (float) Math.tanh(z[zOff + 2 * h + j]);
            float o = sigmoid(z[zOff + 3 * h + j]);
            z[zOff + j] = i;
            z[zOff + h + j] = f;
            z[zOff + 2 * h + j] = g;
            z[zOff + 3 * h + j] = o;
            float cv = f * cPrev[cpOff + j] + i * g;
            c[cOff + j] = cv;
            float tc = (float) Math.tanh(cv);
            tanhC[tOff + j] = tc;
            hOut[hOff + j] = o * tc;
        }
    }

    /**
     * Backward through one step's gates. In: the activations {@code act} (i, f, g, o), the previous
     * cell state, tanh of the new one, {@code dh} (the gradient reaching h_t) and {@code dc} (the
     * gradient reaching c_t from step t+1). Out: {@code dz}, the gradient of the pre-activations,
     * and {@code dc} overwritten with the gradient reaching c_{t-1}.
     */
    public static void gatesBackward(float[] act, int aOff, int h, float[] cPrev, int cpOff, float[] tanhC, int tOff,
                                     float[] dh, int dhOff, float[] dc, int dcOff, float[] dz, int dzOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int j = 0;
        // same operations in the same order as the scalar tail, so both give the same bits
        for (; j + L <= h; j += L) {
            FloatVector i = FloatVector.fromArray(S, act, aOff + j);
            FloatVector f = FloatVector.fromArray(S, act, aOff + h + j);
            FloatVector g = FloatVector.fromArray(S, act, aOff + 2 * h + j);
            FloatVector o = FloatVector.fromArray(S, act, aOff + 3 * h + j);
            FloatVector tc = FloatVector.fromArray(S, tanhC, tOff + j);
            FloatVector dhj = FloatVector.fromArray(S, dh, dhOff + j);
            FloatVector dcj = FloatVector.fromArray(S, dc, dcOff + j).add(dhj.mul(o).mul(one.sub(tc.mul(tc))));
            dcj.mul(g).mul(i).mul(one.sub(i)).intoArray(dz, dzOff + j);
            dcj.mul(FloatVector.fromArray(S, cPrev, cpOff + j)).mul(f).mul(one.sub(f)).intoArray(dz, dzOff + h + j);
            dcj.mul(i).mul(one.sub(g.mul(g))).intoArray(dz, dzOff + 2 * h + j);
            dhj.mul(tc).mul(o).mul(one.sub(o)).intoArray(dz, dzOff + 3 * h + j);
            dcj.mul(f).intoArray(dc, dcOff + j);
        }
        for (; j < h; j++) {
            float i = act[aOff + j];
            float f = act[aOff + h + j];
            float g = act[aOff + 2 * h + j];
            float o = act[aOff + 3 * h + j];
            float tc = tanhC[tOff + j];
            float dhj = dh[dhOff + j];
            float dcj = dc[dcOff + j] + dhj * o * (1f - tc * tc);
            dz[dzOff + j] = dcj * g * i * (1f - i);
            dz[dzOff + h + j] = dcj * cPrev[cpOff + j] * f * (1f - f);
            dz[dzOff + 2 * h + j] = dcj * i * (1f - g * g);
            dz[dzOff + 3 * h + j] = dhj * tc * o * (1f - o);
            dc[dcOff + j] = dcj * f;
        }
    }
}
