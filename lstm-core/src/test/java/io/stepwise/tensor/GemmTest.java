package io.stepwise.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Gemm} against a naive triple loop in double, on both of its paths (Java below the
 * threshold, ND4J's native sgemm above it, each forced here), for every transpose combination,
 * with offsets into larger arrays and beta 0, 1 and otherwise.
 */
class GemmTest {

    private static final float[] BETAS = {0f, 1f, -0.37f};

    /**
     * {m, n, k}: degenerate, odd, vector-length-straddling, a few large enough for real blocking,
     * and rows of C wide enough for the 16-accumulator block of AVX-512 (256 and 300 = 256 + 44).
     */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 7, 3}, {5, 1, 4}, {3, 5, 7}, {4, 17, 9}, {16, 24, 33}, {70, 90, 50}, {33, 129, 65},
        {3, 256, 65}, {2, 300, 17},
    };

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String path : List.of("java", "native")) {
            for (boolean ta : new boolean[]{false, true}) {
                for (boolean tb : new boolean[]{false, true}) {
                    for (float beta : BETAS) {
                        for (int[] s : SHAPES) {
                            out.add(Arguments.of(path, ta, tb, s[0], s[1], s[2], beta));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2} m={3} n={4} k={5} beta={6}")
    @MethodSource("cases")
    void matchesTheNaiveProductAndTouchesNothingOutsideC(String path, boolean transA, boolean transB,
                                                          int m, int n, int k, float beta) {
        Gemm gemm = path.equals("native") ? new Gemm(0) : new Gemm(Long.MAX_VALUE);
        SplittableRandom rng = new SplittableRandom(31L * m + 7L * n + k + (transA ? 1000 : 0) + (transB ? 2000 : 0));
        Problem p = Problem.random(rng, transA, transB, m, n, k, beta);

        p.run(gemm);

        p.assertMatches();
    }

    @Test
    void theDefaultSwitchOverGivesTheSameProductAsEitherForcedPath() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int[] s : new int[][]{{8, 8, 8}, {64, 64, 32}, {128, 96, 40}}) {
            Problem p = Problem.random(rng, false, true, s[0], s[1], s[2], 1f);
            p.run(new Gemm());
            p.assertMatches();
        }
    }

    @Test
    void aReusedInstanceComputesWithTheNewDataNotTheCachedBuffers() {
        Gemm gemm = new Gemm(0);
        SplittableRandom rng = new SplittableRandom(17);
        for (int round = 0; round < 3; round++) {
            for (float beta : BETAS) {
                Problem p = Problem.random(rng, round == 1, round == 2, 12, 10, 6, beta);
                p.run(gemm);
                p.assertMatches();
            }
        }
    }

    @Test
    void manyDistinctShapesOnOneInstanceStayCorrectAsBuffersAreRecycled() {
        Gemm gemm = new Gemm(0);
        SplittableRandom rng = new SplittableRandom(19);
        // well past the instance's buffer cache, twice, so evicted shapes come back
        for (int pass = 0; pass < 2; pass++) {
            for (int s = 1; s <= 40; s++) {
                Problem p = Problem.random(rng, s % 2 == 0, s % 3 == 0, s, 41 - s, 1 + s % 5, s % 2 == 0 ? 0f : 1f);
                p.run(gemm);
                p.assertMatches();
            }
        }
    }

    @Test
    void aClosedInstanceRefusesNativeProductsButStillComputesSmallOnes() {
        Gemm gemm = new Gemm(8); // 2x2x2 = 8 multiply-adds: native
        float[] a = {1, 2, 3, 4};
        float[] c = new float[4];
        gemm.gemm(false, false, 2, 2, 2, a, a, 0f, c);
        gemm.close();
        gemm.close(); // closing twice is harmless

        assertThatThrownBy(() -> gemm.gemm(false, false, 2, 2, 2, a, a, 0f, c))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        float[] small = new float[1];
        gemm.gemm(false, false, 1, 1, 2, a, new float[]{1, 1}, 0f, small); // 2 MACs: the Java path
        assertThat(small).containsExactly(3f);
    }

    @Test
    void aMatrixTimesItsOwnTransposeWhenBothOperandsAreTheSameArray() {
        SplittableRandom rng = new SplittableRandom(23);
        int rows = 20;
        int cols = 13;
        float[] a = randomArray(rng, rows * cols);
        for (Gemm gemm : List.of(new Gemm(0), new Gemm(Long.MAX_VALUE))) {
            float[] c = new float[cols * cols];
            gemm.gemm(true, false, cols, cols, rows, a, a, 0f, c);
            for (int i = 0; i < cols; i++) {
                for (int j = 0; j < cols; j++) {
                    double s = 0;
                    double mag = 0;
                    for (int r = 0; r < rows; r++) {
                        s += (double) a[r * cols + i] * a[r * cols + j];
                        mag += Math.abs((double) a[r * cols + i] * a[r * cols + j]);
                    }
                    assertThat((double) c[i * cols + j]).isCloseTo(s, within(bound(rows, mag)));
                }
            }
        }
    }

    @Test
    void anEmptyInnerDimensionLeavesBetaTimesC() {
        for (Gemm gemm : List.of(new Gemm(0), new Gemm(Long.MAX_VALUE))) {
            for (float beta : BETAS) {
                Problem p = Problem.random(new SplittableRandom(29), false, false, 3, 4, 0, beta);
                p.run(gemm);
                p.assertMatches();
            }
        }
    }

    /** Worst-case float32 error of a k-term dot product, doubled for headroom: (k + 2) * 2^-23 * sum |terms|. */
    private static double bound(int k, double magnitude) {
        return (k + 2) * 0x1p-23 * magnitude;
    }

    private static float[] randomArray(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextDouble() * 4 - 2);
        }
        return a;
    }

    /** One product with its operands placed at offsets inside larger arrays guarded by sentinels. */
    private record Problem(boolean transA, boolean transB, int m, int n, int k, float beta,
                           float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] cBefore) {

        static final float SENTINEL = 12345.5f;

        static Problem random(SplittableRandom rng, boolean transA, boolean transB, int m, int n, int k, float beta) {
            int aOff = 1 + rng.nextInt(5);
            int bOff = 1 + rng.nextInt(5);
            int cOff = 1 + rng.nextInt(5);
            float[] a = guarded(rng, aOff, m * k);
            float[] b = guarded(rng, bOff, k * n);
            float[] c = guarded(rng, cOff, m * n);
            if (beta == 0f) {
                // BLAS semantics: with beta 0, C is output only and whatever it held must not leak in
                Arrays.fill(c, cOff, cOff + m * n, Float.NaN);
            }
            return new Problem(transA, transB, m, n, k, beta, a, aOff, b, bOff, c, cOff, c.clone());
        }

        private static float[] guarded(SplittableRandom rng, int off, int size) {
            float[] arr = new float[off + size + 3];
            Arrays.fill(arr, SENTINEL);
            System.arraycopy(randomArray(rng, size), 0, arr, off, size);
            return arr;
        }

        void run(Gemm gemm) {
            gemm.gemm(transA, transB, m, n, k, a, aOff, b, bOff, beta, c, cOff);
        }

        double aAt(int i, int p) {
            return transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
        }

        double bAt(int p, int j) {
            return transB ? b[bOff + j * k + p] : b[bOff + p * n + j];
        }

        void assertMatches() {
            String what = String.format("transA=%s transB=%s m=%d n=%d k=%d beta=%s", transA, transB, m, n, k, beta);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    double mag = 0;
                    for (int p = 0; p < k; p++) {
                        double t = aAt(i, p) * bAt(p, j);
                        s += t;
                        mag += Math.abs(t);
                    }
                    if (beta != 0f) {
                        double prior = (double) beta * cBefore[cOff + i * n + j];
                        s += prior;
                        mag += Math.abs(prior);
                    }
                    assertThat((double) c[cOff + i * n + j]).as("%s: C[%d,%d]", what, i, j)
                            .isCloseTo(s, within(bound(k, mag)));
                }
            }
            assertThat(Arrays.copyOfRange(c, 0, cOff)).as("%s: before C", what).containsOnly(SENTINEL);
            assertThat(Arrays.copyOfRange(c, cOff + m * n, c.length)).as("%s: after C", what).containsOnly(SENTINEL);
        }
    }
}
