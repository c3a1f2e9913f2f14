package io.stepwise.tensor;

import io.stepwise.lstm.StepKernel;
import java.lang.ref.Cleaner;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Matrix products on row-major float arrays: {@code C[m,n] = op(A) op(B) + beta * C}.
 *
 * <p>Large products go to native sgemm (the OpenBLAS that ND4J runs on), near the machine's peak;
 * small ones stay in Java, where a native call would cost more than the arithmetic. The switch
 * is by size alone, so both paths see the same inputs; tests check them against each other.
 *
 * <p>The native path calls OpenBLAS's {@code cblas_sgemm} through its JavaCPP binding, on three
 * native buffers this instance keeps and grows. Not through {@code Nd4j.gemm}: that allocates a
 * little bookkeeping per call (about 1 KB: shape descriptors, the op's context) which ND4J frees
 * only through JavaCPP's pointer GC, and the launcher turns that off
 * ({@code org.bytedeco.javacpp.nopointergc}, 2-3x cheaper native calls); measured, a training run
 * grew by 1.7 MB/s that way. The buffers are freed by {@link #close}, or, for an instance nobody
 * closed, once it is unreachable (a {@link Cleaner}: JavaCPP's own pointer GC is off). Instances
 * are not thread-safe: one per thread.
 */
public final class Gemm implements AutoCloseable {

    /** Below this many multiply-adds the Java loop wins over the JNI round trip (measured in benchmarks). */
    public static final long NATIVE_THRESHOLD = 1L << 16;

    static {
        Nd4jRuntime.start();
    }

    private static final Cleaner CLEANER = Cleaner.create();

    private final long nativeThreshold;
    private final NativeBuffers buffers = new NativeBuffers();
    private final Cleaner.Cleanable cleanable = CLEANER.register(this, buffers);

    public Gemm() {
        this(NATIVE_THRESHOLD);
    }

    /** A Gemm with a custom switch-over point; 0 sends everything native, Long.MAX_VALUE nothing. */
    public Gemm(long nativeThreshold) {
        this.nativeThreshold = nativeThreshold;
    }

    /**
     * {@code C[m,n] = op(A)[m,k] * op(B)[k,n] + beta * C}; {@code op(A)} is A or A transposed, with A
     * stored row-major as {@code [m,k]} (or {@code [k,m]} when {@code transA}); likewise B.
     */
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, float[] b, float beta, float[] c) {
        gemm(transA, transB, m, n, k, a, 0, b, 0, beta, c, 0);
    }

    /** {@link #gemm(boolean, boolean, int, int, int, float[], float[], float, float[])} on array slices. */
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff) {
        if (m == 0 || n == 0) {
            return;
        }
        // k == 0 leaves C = beta * C; ND4J has no buffer of size zero to copy operands into
        if (k > 0 && (long) m * n * k >= nativeThreshold) {
            nativeGemm(transA, transB, m, n, k, a, aOff, b, bOff, beta, c, cOff);
        } else {
            javaGemm(transA, transB, m, n, k, a, aOff, b, bOff, beta, c, cOff, this);
        }
    }

    /** Below one vector of outputs per row the register-tiled kernel has nothing to tile. */
    private static final int LANES = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    private float[] transposed = new float[0];

    /** {@code src} ({@code [rows, cols]} at {@code off}) transposed into this instance's scratch, {@code [cols, rows]}. */
    private float[] transpose(float[] src, int off, int rows, int cols) {
        if (transposed.length < rows * cols) {
            transposed = new float[rows * cols];
        }
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                transposed[col * rows + r] = src[off + r * cols + col];
            }
        }
        return transposed;
    }

    static void javaGemm(boolean transA, boolean transB, int m, int n, int k,
                         float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff, Gemm scratch) {
        if (beta == 0f) {
            Arrays.fill(c, cOff, cOff + m * n, 0f);
        } else if (beta != 1f) {
            for (int i = cOff; i < cOff + m * n; i++) {
                c[i] *= beta;
            }
        }
        if (!transA && !transB) {
            // row i of C += row i of A times B: the register-tiled kernel of one LSTM step
            for (int i = 0; i < m; i++) {
                StepKernel.accumulateAt(b, bOff, n, a, aOff + i * k, k, c, cOff + i * n);
            }
        } else if (transA && !transB && n == 1) {
            // C is a column, so contiguous: C += B[p] * (row p of A), one long axpy per p
            for (int p = 0; p < k; p++) {
                StepKernel.axpy(b[bOff + p], a, aOff + p * m, c, cOff, m);
            }
        } else if (transA && !transB) {
            // C += sum over p of (column p of A^T) outer (row p of B): rows of B stay contiguous
            for (int p = 0; p < k; p++) {
                for (int i = 0; i < m; i++) {
                    StepKernel.axpy(a[aOff + p * m + i], b, bOff + p * n, c, cOff + i * n, n);
                }
            }
        } else if (!transA && n >= LANES) {
            // rows of C wide enough for the register-tiled kernel: copying B^T into row-major
            // order once costs far less than a dot product with a lane reduction per element
            float[] bt = scratch.transpose(b, bOff, n, k);
            for (int i = 0; i < m; i++) {
                StepKernel.accumulateAt(bt, 0, n, a, aOff + i * k, k, c, cOff + i * n);
            }
        } else if (!transA) {
            // C[i,j] += row i of A . row j of B
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[cOff + i * n + j] += StepKernel.dot(a, aOff + i * k, b, bOff + j * k, k);
                }
            }
        } else {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float s = 0f;
                    for (int p = 0; p < k; p++) {
                        s += a[aOff + p * m + i] * b[bOff + j * k + p];
                    }
                    c[cOff + i * n + j] += s;
                }
            }
        }
    }

    private void nativeGemm(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff) {
        FloatPointer pa = buffer(0, m * k, a, aOff);
        FloatPointer pb = buffer(1, k * n, b, bOff);
        FloatPointer pc = buffer(2, m * n, beta == 0f ? null : c, cOff);
        openblas.cblas_sgemm(openblas.CblasRowMajor,
                transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                transB ? openblas.CblasTrans : openblas.CblasNoTrans,
                m, n, k, 1f, pa, transA ? m : k, pb, transB ? k : n, beta, pc, n);
        pc.get(c, cOff, m * n);
    }

    /** Operand {@code slot}'s native buffer, grown to hold {@code size} floats, filled from {@code src} unless null. */
    private FloatPointer buffer(int slot, int size, float[] src, int srcOff) {
        if (buffers.closed) {
            throw new IllegalStateException("this Gemm is closed");
        }
        FloatPointer p = buffers.slots[slot];
        if (p == null || p.capacity() < size) {
            if (p != null) {
                p.close();
            }
            p = new FloatPointer(Math.max(size, 1024));
            buffers.slots[slot] = p;
        }
        if (src != null) {
            p.position(0).put(src, srcOff, size);
        }
        return p;
    }

    /** Frees the native buffers; products on the native path fail afterwards. */
    @Override
    public void close() {
        cleanable.clean();
    }

    /** The three operand buffers, apart from the Gemm so that the cleaner does not keep it reachable. */
    private static final class NativeBuffers implements Runnable {
        final FloatPointer[] slots = new FloatPointer[3];
        volatile boolean closed;

        @Override
        public void run() {
            closed = true;
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] != null) {
                    slots[i].close();
                    slots[i] = null;
                }
            }
        }
    }
}
