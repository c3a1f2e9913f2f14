package io.stepwise.bench;

import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A large single-precision product through ND4J (OpenBLAS): the machine's sgemm throughput in
 * this run, against which the batched step's rate is read. Run with {@code OMP_NUM_THREADS=1},
 * like everything else here, so that both sides use one core.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ForkFlags.VECTOR_API, ForkFlags.NO_POINTER_GC})
@State(Scope.Thread)
public class SgemmBenchmark {

    @Param({"1024"})
    public int size;

    private INDArray a;
    private INDArray b;
    private INDArray c;

    @Setup
    public void setUp() {
        Nd4j.getRandom().setSeed(3);
        // all operands column-major, so the call is one BLAS sgemm with no layout copies
        a = Nd4j.rand(DataType.FLOAT, size, size).dup('f');
        b = Nd4j.rand(DataType.FLOAT, size, size).dup('f');
        c = Nd4j.createUninitialized(DataType.FLOAT, new long[]{size, size}, 'f');
    }

    @Benchmark
    public INDArray sgemm() {
        return Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    }

    @TearDown
    public void tearDown() {
        a.close();
        b.close();
        c.close();
    }
}
