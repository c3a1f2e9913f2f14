package io.stepwise.nn;

import java.util.SplittableRandom;

/**
 * Training-time noise: dropout on an LSTM's input and on its output before the heads (each
 * element zeroed with its probability, the rest scaled up so that expectations stay: PyTorch's
 * inverted {@code nn.Dropout}), drawn from {@code rng}. A pass without it (null) is deterministic,
 * as evaluation and the parity tests need.
 */
public record Dropout(float input, float output, SplittableRandom rng) {

    public Dropout {
        if (!(input >= 0 && input < 1 && output >= 0 && output < 1)) {
            throw new IllegalArgumentException("dropout probabilities must be in [0, 1)");
        }
    }

    /** A mask of {@code n} elements, each 0 with probability {@code p}, else {@code 1 / (1 - p)}; null when p is 0. */
    public float[] mask(int n, float p) {
        if (p == 0) {
            return null;
        }
        float[] m = new float[n];
        float keep = 1f / (1 - p);
        // 24 random bits per element are exact for float probabilities and cost half a nextDouble
        int threshold = (int) (p * (1 << 24));
        for (int i = 0; i < n; i++) {
            m[i] = (rng.nextInt() >>> 8) < threshold ? 0f : keep;
        }
        return m;
    }

    /** {@code a *= mask}, element by element; a null mask leaves {@code a} alone. */
    public static void apply(float[] a, float[] mask) {
        if (mask == null) {
            return;
        }
        for (int i = 0; i < a.length; i++) {
            a[i] *= mask[i];
        }
    }
}
