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
 *
 * <p>An epoch runs through many methods that C2 compiles one after another; on a busy machine
 * that took a few dozen epochs, more than JMH's timed warm-up held. So set-up first trains a fixed
 * number of epochs of both kinds, and the warm-up iterations come on top.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ForkFlags.VECTOR_API, ForkFlags.NO_POINTER_GC})
@State(Scope.Thread)
public class SumEpochBenchmark {

    private SumEpoch epoch;

    private static final int WARM_UP_EPOCHS = 30;

    @Setup
    public void setUp() {
        epoch = new SumEpoch(7);
        for (int e = 0; e < WARM_UP_EPOCHS; e++) {
            epoch.batchedEpoch();
        }
        for (int e = 0; e < WARM_UP_EPOCHS / 10; e++) {
            epoch.notebookEpoch();
        }
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
