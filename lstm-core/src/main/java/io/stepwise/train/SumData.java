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
        return value(numProb, LOW, false);
    }

    /**
     * 0 with probability {@code 1 - numProb}, else uniform in [low, HIGH), mirrored by
     * x -> -1 - x (which maps [LOW, HIGH) onto itself, HIGH = -LOW) when {@code mirrored}.
     */
    private double value(double numProb, int low, boolean mirrored) {
        if (numProb < 1 && rng.nextDouble() >= numProb) {
            return 0;
        }
        int v = low + rng.nextInt(HIGH - low);
        return mirrored ? -1 - v : v;
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
        batch(steps, batch, numProb, 0, 0, values, sums);
    }

    /**
     * Like {@link #batch(int, int, double, float[], float[])}, but a share {@code driftShare} of the
     * sequences drifts: each of those draws a {@code d} uniform in [0, maxDrift] and takes its values
     * uniformly from [LOW + d, HIGH), mirrored to (LOW, HIGH - d] for half of them. Values stay in
     * the notebook's range, but the sums wander far more often to the sizes that plain sequences
     * reach only in their tails.
     */
    public void batch(int steps, int batch, double numProb, double driftShare, int maxDrift, float[] values, float[] sums) {
        checkProb(numProb);
        if (maxDrift < 0 || maxDrift >= HIGH - LOW) {
            throw new IllegalArgumentException("max drift must be in [0, " + (HIGH - LOW) + "), got " + maxDrift);
        }
        for (int b = 0; b < batch; b++) {
            boolean drifts = driftShare > 0 && rng.nextDouble() < driftShare;
            int low = drifts ? LOW + rng.nextInt(maxDrift + 1) : LOW;
            boolean mirrored = drifts && rng.nextBoolean();
            double s = 0;
            for (int t = 0; t < steps; t++) {
                double v = value(numProb, low, mirrored);
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
