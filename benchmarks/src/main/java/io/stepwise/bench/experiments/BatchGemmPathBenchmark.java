package io.stepwise.bench.experiments;

import io.stepwise.lstm.LstmConfig;
import io.stepwise.lstm.LstmState;
import io.stepwise.lstm.PackedLstm;
import io.stepwise.tensor.Gemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * Experiment, not part of the table: the B = 256 batched step with its product on ND4J's sgemm
 * (what {@code Gemm} picks at this size) against the Java register-tiled kernel, and the
 * product alone on each path, to see where the batched step's time goes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dorg.bytedeco.javacpp.nopointergc=true"})
@State(Scope.Thread)
public class BatchGemmPathBenchmark {

    private static final int BATCH = 256;

    @Param({"1x64", "64x128"})
    public String shape;

    @Param({"native", "java"})
    public String path;

    private PackedLstm lstm;
    private LstmState[] states;
    private PackedLstm.BatchScratch scratch;
    private float[] x;
    private Gemm gemm;
    private float[] a;
    private float[] b;
    private float[] c;
    private int k;
    private int g;

    @Setup
    public void setUp() {
        String[] parts = shape.split("x");
        int in = Integer.parseInt(parts[0]);
        int h = Integer.parseInt(parts[1]);
        g = 4 * h;
        k = in + h;
        LstmConfig config = new LstmConfig(in, h, 1);
        SplittableRandom rng = new SplittableRandom(1);
        float[] packed = new float[k * g];
        for (int i = 0; i < packed.length; i++) {
            packed[i] = (float) rng.nextDouble(-0.1, 0.1);
        }
        lstm = PackedLstm.pack(config, Weights.fromPacked(config, packed, new float[g]));
        gemm = new Gemm(path.equals("java") ? Long.MAX_VALUE : 0);
        scratch = lstm.new BatchScratch(gemm);
        states = new LstmState[BATCH];
        for (int i = 0; i < BATCH; i++) {
            states[i] = LstmState.zeros(config);
        }
        x = new float[BATCH * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        a = new float[BATCH * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextDouble(-1, 1);
        }
        b = packed;
        c = new float[BATCH * g];
        for (int i = 0; i < 300; i++) {
            stepBatch();
            gemmOnly();
        }
    }

    @Benchmark
    public float stepBatch() {
        lstm.stepBatch(x, states, BATCH, scratch);
        return states[0].values()[0];
    }

    private org.nd4j.linalg.api.ndarray.INDArray nativeA;
    private org.nd4j.linalg.api.ndarray.INDArray nativeB;
    private org.nd4j.linalg.api.ndarray.INDArray nativeC;

    /**
     * The same product on operands that already live in native memory, as if the packed weights
     * were kept there: what Gemm's copies in and out cost is the difference to {@link #gemmOnly}.
     */
    public float nd4jResident() {
        if (nativeA == null) {
            // column-major views of the row-major arrays, as Gemm makes them: C^T = B^T A^T
            nativeA = org.nd4j.linalg.factory.Nd4j.create(a, new long[]{k, BATCH}, 'f');
            nativeB = org.nd4j.linalg.factory.Nd4j.create(b, new long[]{g, k}, 'f');
            nativeC = org.nd4j.linalg.factory.Nd4j.createUninitialized(
                    org.nd4j.linalg.api.buffer.DataType.FLOAT, new long[]{g, BATCH}, 'f');
        }
        org.nd4j.linalg.factory.Nd4j.gemm(nativeB, nativeA, nativeC, false, false, 1.0, 0.0);
        return 0f;
    }

    @Benchmark
    public float gemmOnly() {
        gemm.gemm(false, false, BATCH, g, k, a, b, 0f, c);
        return c[0];
    }
}
