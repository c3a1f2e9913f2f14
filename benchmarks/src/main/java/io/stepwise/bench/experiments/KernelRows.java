package io.stepwise.bench.experiments;

import io.stepwise.lstm.StepKernel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Experiment: where the batch-1 step's time goes at hidden 64. The step's kernel
 * ({@link StepKernel#accumulate}) over 16, 24, 65 and 130 rows of 4H = 256 weights (16 KB, 24 KB,
 * 66 KB, 133 KB), and the gates alone. Per-row times tell whether the weights stream from L1 or
 * from L2; 65 rows is the real step at input 1. Then the 65 rows as {@code PackedLstm.step} reads
 * them: two contiguous column panels of {@link StepKernel#PANEL} (33 KB each), in a fixed order
 * and in the alternating order the step uses.
 */
final class KernelRows {

    private static final int H = 64;
    private static final int G = 4 * H;

    private KernelRows() {
    }

    static Map<String, DoubleSupplier> variants() {
        Map<String, DoubleSupplier> out = new LinkedHashMap<>();
        SplittableRandom rng = new SplittableRandom(5);
        // Whichever variant C2 compiles first ran 5-30x slower than the same code later in the list
        // (seen with every order tried), so a throwaway variant goes first.
        float[] w0 = random(rng, 8 * G, 0.1);
        float[] v0 = random(rng, 8, 1);
        float[] z0 = new float[G];
        out.put("(warm-up, not a measurement)", () -> {
            java.util.Arrays.fill(z0, 0f);
            StepKernel.accumulate(w0, 0, G, v0, 0, 8, z0, 0);
            return z0[1];
        });
        for (int rows : new int[]{16, 24, 65, 130}) {
            float[] w = random(rng, rows * G, 0.1);
            float[] v = random(rng, rows, 1);
            float[] bias = random(rng, G, 0.1);
            float[] z = new float[G];
            out.put(String.format("kernel, %d rows (%d KB)", rows, rows * G * 4 / 1024), () -> {
                System.arraycopy(bias, 0, z, 0, G); // as the step starts from the bias
                StepKernel.accumulate(w, 0, G, v, 0, rows, z, 0);
                return z[1];
            });
        }
        int rows = 65;
        float[] w = random(rng, rows * G, 0.1);
        float[] v = random(rng, rows, 1);
        float[] bias = random(rng, G, 0.1);
        float[] panels = StepKernel.toPanels(w, rows, G);
        float[] zp = new float[G];
        int[] calls = {0};
        for (boolean alternate : new boolean[]{false, true}) {
            out.put(String.format("panels, %d rows%s", rows, alternate ? ", alternating" : ""), () -> {
                System.arraycopy(bias, 0, zp, 0, G);
                StepKernel.accumulatePanels(panels, rows, G, v, 0, zp, 0, alternate && (calls[0]++ & 1) == 1);
                return zp[1];
            });
        }
        float[] z = random(rng, G, 2);
        float[] state = new float[2 * H];
        out.put("gates, hidden 64", () -> {
            StepKernel.gates(z, 0, H, state, 0, H);
            return state[0];
        });
        return out;
    }

    private static float[] random(SplittableRandom rng, int n, double bound) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rng.nextDouble(-bound, bound);
        }
        return a;
    }
}
