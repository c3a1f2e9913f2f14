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
 * One step for {@link #BATCH} independent streams at once: what an operator does with the elements
 * of many keys gathered before a checkpoint barrier. {@link #stepBatch} as one product per layer
 * ({@link PackedLstm#stepBatch}), {@link #stepEach} with the single step's kernel a few streams at a
 * time ({@link PackedLstm#stepEach}, what the job runs while the weights fit in L2). The table
 * compares their multiply-add rates with {@link SgemmBenchmark}'s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ForkFlags.VECTOR_API, ForkFlags.NO_POINTER_GC})
@State(Scope.Thread)
public class BatchStepBenchmark {

    public static final int BATCH = 256;

    @Param({"1x64", "64x128"})
    public String shape;

    private PackedLstm lstm;
    private LstmState[] states;
    private PackedLstm.BatchScratch scratch;
    private float[] x;

    @Setup
    public void setUp() {
        Shape s = Shape.parse(shape);
        lstm = PackedLstm.pack(s.config(), s.randomWeights(1));
        states = new LstmState[BATCH];
        for (int b = 0; b < BATCH; b++) {
            states[b] = LstmState.zeros(s.config());
        }
        scratch = lstm.newBatchScratch();
        x = Shape.randomInputs(2, BATCH * s.inputSize());
        // enough calls for C2 to take the Vector API gate kernel, which is slow until it does
        for (int i = 0; i < 500; i++) {
            stepBatch();
            stepEach();
        }
    }

    @Benchmark
    public float stepBatch() {
        lstm.stepBatch(x, states, BATCH, scratch);
        return states[BATCH - 1].values()[0];
    }

    @Benchmark
    public float stepEach() {
        lstm.stepEach(x, states, BATCH, scratch);
        return states[BATCH - 1].values()[0];
    }
}
