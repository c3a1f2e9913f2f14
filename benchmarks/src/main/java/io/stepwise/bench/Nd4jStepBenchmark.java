package io.stepwise.bench;

import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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

/** {@link Nd4jStep}, the per-op ND4J baseline, at the shapes of {@link StepBenchmark}. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ForkFlags.VECTOR_API, ForkFlags.NO_POINTER_GC})
@State(Scope.Thread)
public class Nd4jStepBenchmark {

    private static final int INPUTS = 64;

    @Param({"1x64", "64x128"})
    public String shape;

    private Nd4jStep step;
    private INDArray[] xs;
    private int t;

    @Setup
    public void setUp() {
        Shape s = Shape.parse(shape);
        step = new Nd4jStep(s.config(), s.randomWeights(1));
        float[] data = Shape.randomInputs(2, INPUTS * s.inputSize());
        xs = new INDArray[INPUTS];
        for (int i = 0; i < INPUTS; i++) {
            float[] row = java.util.Arrays.copyOfRange(data, i * s.inputSize(), (i + 1) * s.inputSize());
            xs[i] = Nd4j.create(row, new long[]{1, s.inputSize()}, 'c');
        }
    }

    @Benchmark
    public INDArray step() {
        return step.step(xs[t++ & (INPUTS - 1)]);
    }
}
