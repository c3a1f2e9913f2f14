package io.stepwise.bench.experiments;

import io.stepwise.tensor.Gemm;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Experiment, not part of the table: the products one training batch of the sum regressor makes
 * (B = 32, T = 2, input 1, hidden 64), each through {@code Gemm} as it chooses today, and with
 * the transposed operand copied into row-major order first so that the Java path can use the
 * register-tiled kernel (the "no transposes" case) instead of a dot or an axpy per element.
 */
final class GemmShapes {

    private GemmShapes() {
    }

    /** One product C[m,n] = op(A) op(B), its operands random. */
    private static final class Product {
        final boolean transA;
        final boolean transB;
        final int m;
        final int n;
        final int k;
        final float[] a;
        final float[] b;
        final float[] c;
        final float[] at;
        final float[] bt;

        Product(boolean transA, boolean transB, int m, int n, int k) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            SplittableRandom rng = new SplittableRandom(m * 31L + n * 7L + k);
            a = random(rng, m * k);
            b = random(rng, k * n);
            c = new float[m * n];
            at = new float[m * k];
            bt = new float[k * n];
        }

        private static float[] random(SplittableRandom rng, int size) {
            float[] x = new float[size];
            for (int i = 0; i < size; i++) {
                x[i] = (float) rng.nextDouble(-1, 1);
            }
            return x;
        }

        float today(Gemm gemm) {
            gemm.gemm(transA, transB, m, n, k, a, b, 0f, c);
            return c[0];
        }

        /** Copies a transposed operand into row-major order, then the plain product. */
        float transposed(Gemm gemm) {
            float[] left = a;
            float[] right = b;
            if (transA) { // a is [k, m]
                for (int p = 0; p < k; p++) {
                    for (int i = 0; i < m; i++) {
                        at[i * k + p] = a[p * m + i];
                    }
                }
                left = at;
            }
            if (transB) { // b is [n, k]
                for (int j = 0; j < n; j++) {
                    for (int p = 0; p < k; p++) {
                        bt[p * n + j] = b[j * k + p];
                    }
                }
                right = bt;
            }
            gemm.gemm(false, false, m, n, k, left, right, 0f, c);
            return c[0];
        }

        @Override
        public String toString() {
            return (transA ? "T" : "N") + (transB ? "T" : "N") + " " + m + "x" + n + "x" + k;
        }
    }

    static Map<String, DoubleSupplier> variants() {
        Gemm chosen = new Gemm();
        Gemm java = new Gemm(Long.MAX_VALUE);
        Map<String, DoubleSupplier> v = new LinkedHashMap<>();
        Product[] products = {
            new Product(false, true, 64, 256, 1),   // input projection x W_ih^T, all T*B rows
            new Product(true, false, 256, 1, 64),   // dW_ih = dZ^T x
            new Product(false, true, 32, 256, 64),  // recurrent h W_hh^T, one step
            new Product(true, false, 256, 64, 32),  // dW_hh = dZ^T h, one step
            new Product(false, false, 32, 64, 256), // dh = dZ W_hh
            new Product(false, true, 64, 1, 64),    // Linear forward
        };
        for (Product p : products) {
            v.put(p + " today", () -> p.today(chosen));
            v.put(p + " java+transpose", () -> p.transposed(java));
        }
        return v;
    }
}
