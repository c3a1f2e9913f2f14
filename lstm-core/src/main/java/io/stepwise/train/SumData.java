package io.stepwise.train;

import java.util.SplittableRandom;

/**
 * The notebook's data for the running-sum regressor: sequences of integers drawn uniformly from
 * [-100, 100).
 *
 * <p>{@code numProb} is read as the probability that a position holds a number at all: each
 * position independently holds a uniform integer with probability {@code numProb} and 0
 * otherwise. With {@code numProb = 1} (the notebook's test setting) every position holds a number;
 * smaller values make sparse sequences whose sums grow more slowly. (The uniform draw itself can
 * also give 0.) The sum the model must produce is the plain running sum either way.
 */
public final class SumData {

    /** Smallest value, inclusive. */
    public static final int LOW = -100;
    /** Largest value, exclusive. */
    public static final int HIGH = 100;

    private final SplittableRandom rng;

    public SumData(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    /** Variance of one element at {@code numProb = 1}: that of the discrete uniform on [LOW, HIGH). */
    public static double elementVariance() {
        double n = HIGH - LOW;
        return (n * n - 1) / 12.0;
    }

    public double value(double numProb) {
        if (numProb < 1 && rng.nextDouble() >= numProb) {
            return 0;
        }
        return LOW + rng.nextInt(HIGH - LOW);
    }

    public double[] sequence(int length, double numProb) {
        checkProb(numProb);
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = value(numProb);
        }
        return out;
    }

    /**
     * Fills a seq-first batch {@code values[T][B]} with raw values, sequence by sequence, and
     * {@code sums[T][B]} with their running sums.
     */
    public void batch(int steps, int batch, double numProb, float[] values, float[] sums) {
        checkProb(numProb);
        for (int b = 0; b < batch; b++) {
            double s = 0;
            for (int t = 0; t < steps; t++) {
                double v = value(numProb);
                s += v;
                values[t * batch + b] = (float) v;
                sums[t * batch + b] = (float) s;
            }
        }
    }

    public double nextDouble() {
        return rng.nextDouble();
    }

    private static void checkProb(double p) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("num_prob must be in (0, 1], got " + p);
        }
    }
}
