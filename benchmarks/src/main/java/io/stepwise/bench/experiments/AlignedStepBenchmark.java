package io.stepwise.bench.experiments;

import io.stepwise.lstm.LstmConfig;
import io.stepwise.lstm.LstmState;
import io.stepwise.lstm.PackedLstm;
import io.stepwise.lstm.StepKernel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Experiment, not part of the table: does 64-byte alignment of the packed weights speed up the
 * batch-1 step? The same register-tiled kernel as {@code StepKernel.accumulate}, reading the
 * weights from a {@code float[]} (whose data alignment the heap decides), from a direct buffer
 * sliced to a 64-byte boundary, or from one deliberately 16 bytes off it. {@code packed} is PackedLstm.step itself, for reference.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dorg.bytedeco.javacpp.nopointergc=true"})
@State(Scope.Thread)
public class AlignedStepBenchmark {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    private static final int INPUTS = 1024;

    @Param({"1x64", "64x128"})
    public String shape;

    @Param({"packed", "array", "aligned", "misaligned"})
    public String layout;

    private int in;
    private int h;
    private int g;
    private float[] weights;      // [in + H][4H], input-major like PackedLstm's
    private ByteBuffer buffer;    // the same floats, native order
    private float[] bias;
    private float[] xs;
    private LstmState state;
    private float[] scratch;
    private PackedLstm packed;

    @Setup
    public void setUp() {
        String[] parts = shape.split("x");
        in = Integer.parseInt(parts[0]);
        h = Integer.parseInt(parts[1]);
        g = 4 * h;
        SplittableRandom rng = new SplittableRandom(1);
        float bound = (float) (1 / Math.sqrt(h));
        weights = new float[(in + h) * g];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) rng.nextDouble(-bound, bound);
        }
        bias = new float[g];
        int bytes = weights.length * Float.BYTES;
        ByteBuffer raw = ByteBuffer.allocateDirect(bytes + 128);
        ByteBuffer aligned = raw.alignedSlice(64);
        buffer = (layout.equals("misaligned") ? aligned.position(16).slice() : aligned).order(ByteOrder.nativeOrder());
        buffer.asFloatBuffer().put(weights);
        xs = new float[INPUTS * in];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) rng.nextDouble(-1, 1);
        }
        LstmConfig config = new LstmConfig(in, h, 1);
        state = LstmState.zeros(config);
        scratch = new float[g];
        packed = PackedLstm.pack(config, io.stepwise.bench.experiments.Weights.fromPacked(config, weights, bias));
        variant = variant();
        for (int i = 0; i < 50_000; i++) {
            step();
        }
    }

    private int t;
    private Variant variant;

    /** Each layout in its own method, so that C2 compiles each kernel on its own. */
    private interface Variant {
        void step(int xOff);
    }

    private Variant variant() {
        return switch (layout) {
            case "packed" -> xOff -> packed.step(xs, xOff, state, scratch);
            case "array" -> this::arrayStep;
            default -> this::bufferStep;
        };
    }

    @Benchmark
    public float step() {
        variant.step((t++ & (INPUTS - 1)) * in);
        return state.values()[0];
    }

    private void arrayStep(int xOff) {
        float[] s = state.values();
        System.arraycopy(bias, 0, scratch, 0, g);
        StepKernel.accumulate(weights, 0, g, xs, xOff, in, scratch, 0);
        StepKernel.accumulate(weights, in, g, s, 0, h, scratch, 0);
        StepKernel.gates(scratch, 0, h, s, state.hOffset(0), state.cOffset(0));
    }

    private void bufferStep(int xOff) {
        float[] s = state.values();
        System.arraycopy(bias, 0, scratch, 0, g);
        accumulate(buffer, 0, g, xs, xOff, in, scratch, 0);
        accumulate(buffer, in, g, s, 0, h, scratch, 0);
        StepKernel.gates(scratch, 0, h, s, state.hOffset(0), state.cOffset(0));
    }

    /** StepKernel.accumulate with the weights in a buffer; g is a multiple of 8 lanes here. */
    static void accumulate(ByteBuffer w, int row0, int g, float[] v, int vOff, int n, float[] z, int zOff) {
        ByteOrder order = ByteOrder.nativeOrder();
        for (int o = 0; o + 8 * L <= g; o += 8 * L) {
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
                int base = ((row0 + k) * g + o) * Float.BYTES;
                int step = L * Float.BYTES;
                a0 = FloatVector.fromByteBuffer(S, w, base, order).fma(x, a0);
                a1 = FloatVector.fromByteBuffer(S, w, base + step, order).fma(x, a1);
                a2 = FloatVector.fromByteBuffer(S, w, base + 2 * step, order).fma(x, a2);
                a3 = FloatVector.fromByteBuffer(S, w, base + 3 * step, order).fma(x, a3);
                a4 = FloatVector.fromByteBuffer(S, w, base + 4 * step, order).fma(x, a4);
                a5 = FloatVector.fromByteBuffer(S, w, base + 5 * step, order).fma(x, a5);
                a6 = FloatVector.fromByteBuffer(S, w, base + 6 * step, order).fma(x, a6);
                a7 = FloatVector.fromByteBuffer(S, w, base + 7 * step, order).fma(x, a7);
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
    }
}
