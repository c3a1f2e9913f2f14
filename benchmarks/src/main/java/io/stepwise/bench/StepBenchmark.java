package io.stepwise.bench;

import io.stepwise.lstm.LstmState;
import io.stepwise.lstm.PackedLstm;
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
 * One LSTM step at batch 1, the streaming job's hot path: {@link PackedLstm#step} on one element,
 * state updated in place. The inputs cycle through a fixed random sequence so the state keeps
 * moving like a live stream's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ForkFlags.VECTOR_API, ForkFlags.NO_POINTER_GC})
@State(Scope.Thread)
public class StepBenchmark {

    private static final int INPUTS = 1024; // a power of two, so the cycle is a mask

    @Param({"1x64", "64x128"})
    public String shape;

    private PackedLstm lstm;
    private LstmState state;
    private float[] scratch;
    private float[] xs;
    private int inputSize;
    private int t;

    @Setup
    public void setUp() {
        Shape s = Shape.parse(shape);
        inputSize = s.inputSize();
        lstm = PackedLstm.pack(s.config(), s.randomWeights(1));
        state = LstmState.zeros(s.config());
        scratch = lstm.newScratch();
        xs = Shape.randomInputs(2, INPUTS * inputSize);
        // enough calls for C2 to take the Vector API kernels, which are slow until it does
        for (int i = 0; i < 50_000; i++) {
            step();
        }
    }

    @Benchmark
    public float step() {
        lstm.step(xs, (t++ & (INPUTS - 1)) * inputSize, state, scratch);
        return state.values()[0];
    }
}
