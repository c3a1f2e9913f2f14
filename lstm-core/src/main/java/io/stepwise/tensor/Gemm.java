package io.stepwise.tensor;

import io.stepwise.lstm.StepKernel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products on row-major float arrays: {@code C[m,n] = op(A) op(B) + beta * C}.
 *
 * <p>Large products go to ND4J's native sgemm (OpenBLAS), which runs near the machine's peak;
 * small ones stay in Java, where a native call would cost more than the arithmetic. The switch
 * is by size alone, so both paths see the same inputs; tests check them against each other.
 *
 * <p>ND4J is column-major. A row-major {@code [r, c]} array is, byte for byte, a column-major
 * {@code [c, r]} array, its transpose; so {@code C = op(A) op(B)} is computed as
 * {@code C^T = op(B)^T op(A)^T} on column-major views, with no layout copies.
 * Instances keep their native buffers between calls and are not thread-safe: one per thread.
 */
public final class Gemm {

    /** Below this many multiply-adds the Java loop wins over the JNI round trip (measured in benchmarks). */
    public static final long NATIVE_THRESHOLD = 1L << 16;

    private final long nativeThreshold;
    /** Native buffers by (operand, shape); least recently used ones are freed past {@link #MAX_BUFFERS}. */
    private final Map<Long, INDArray> buffers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, INDArray> eldest) {
            if (size() > MAX_BUFFERS) {
                eldest.getValue().close();
                return true;
            }
            return false;
        }
    };
    private static final int MAX_BUFFERS = 48;

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
        // Column-major views: A's memory read as [cols, rows], and the same for B and C.
        INDArray af = buffer(0, transA ? m : k, transA ? k : m, a, aOff);
        INDArray bf = buffer(1, transB ? k : n, transB ? n : k, b, bOff);
        INDArray cf = buffer(2, n, m, beta == 0f ? null : c, cOff);
        // C^T = op(B)^T op(A)^T; the column-major view of a row-major X is X^T, so op(X)^T is that
        // view as it is when op is the identity, and its transpose when op transposes.
        Nd4j.gemm(bf, af, cf, transB, transA, 1.0, beta);
        ((FloatPointer) cf.data().pointer()).get(c, cOff, m * n);
    }

    private INDArray buffer(int slot, int rows, int cols, float[] src, int srcOff) {
        long key = ((long) slot << 60) | ((long) rows << 30) | cols;
        INDArray arr = buffers.computeIfAbsent(key, x -> Nd4j.createUninitialized(DataType.FLOAT, new long[]{rows, cols}, 'f'));
        if (src != null) {
            ((FloatPointer) arr.data().pointer()).put(src, srcOff, rows * cols);
        }
        return arr;
    }
}
