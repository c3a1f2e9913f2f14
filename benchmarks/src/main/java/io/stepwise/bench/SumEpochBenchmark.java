package io.stepwise.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training epoch of the notebook's configuration ({@link SumEpoch}); the model keeps training
 * from one invocation to the next, as it would across epochs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ForkFlags.VECTOR_API, ForkFlags.NO_POINTER_GC})
@State(Scope.Thread)
public class SumEpochBenchmark {

    private SumEpoch epoch;

    @Setup
    public void setUp() {
        epoch = new SumEpoch(7);
    }

    @Benchmark
    public double batchedEpoch() {
        return epoch.batchedEpoch();
    }

    @Benchmark
    public double notebookEpoch() {
        return epoch.notebookEpoch();
    }

    @TearDown
    public void tearDown() {
        epoch.close();
    }
}
