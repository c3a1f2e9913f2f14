package io.stepwise.bench;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training epoch of the notebook's configuration (n = 1000, length 2, hidden 64, Adam):
 * as Stepwise trains ({@link TrainerEpoch}, in batches of 50 and of 100) and as the notebook's
 * loop does ({@link NotebookLoop}). Two batch sizes, because at this size ND4J's Adam op, which
 * every batch pays once (about 0.1 ms for the 17k parameters, most of it per element), is a
 * large share of the epoch: the table shows what the batch size buys.
 * The model keeps training from one invocation to the next, as it would across epochs.
 *
 * <p>An epoch runs through many methods that C2 compiles one after another; on a busy machine
 * that took a few dozen epochs, more than JMH's timed warm-up held. So set-up first trains a fixed
 * number of epochs, and the warm-up iterations come on top.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ForkFlags.VECTOR_API, ForkFlags.NO_POINTER_GC})
public class SumEpochBenchmark {

    @State(Scope.Thread)
    public static class Trainer {
        @Param({"50", "100"})
        int batch;

        TrainerEpoch epoch;

        @Setup
        public void setUp() {
            epoch = new TrainerEpoch(7, batch);
            for (int e = 0; e < 30; e++) {
                epoch.epoch();
            }
        }
    }

    @State(Scope.Thread)
    public static class Notebook {
        NotebookLoop loop;

        @Setup
        public void setUp() {
            loop = new NotebookLoop(7);
            for (int e = 0; e < 3; e++) {
                loop.epoch();
            }
        }

        @TearDown
        public void tearDown() {
            loop.close();
        }
    }

    @Benchmark
    public double batchedEpoch(Trainer trainer) {
        return trainer.epoch.epoch();
    }

    @Benchmark
    public double notebookEpoch(Notebook notebook) {
        return notebook.loop.epoch();
    }
}
