package io.stepwise.pipeline;

import java.util.Arrays;

/**
 * Latencies in milliseconds and their percentiles. Every sample is kept (an int each: a few MB for a
 * long run), so the percentiles are exact rather than a histogram's approximation.
 */
public final class LatencyRecorder {

    private int[] samples = new int[1024];
    private int count;
    private boolean sorted = true;

    /** One latency; a negative one (clocks a millisecond apart) counts as 0. */
    public synchronized void add(long millis) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, samples.length * 2);
        }
        samples[count++] = (int) Math.max(0, Math.min(Integer.MAX_VALUE, millis));
        sorted = false;
    }

    public synchronized int count() {
        return count;
    }

    /**
     * The nearest-rank percentile: the smallest sample that at least {@code p} percent of the
     * samples do not exceed. -1 without samples.
     */
    public synchronized long percentile(double p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("a percentile is in (0, 100], got " + p);
        }
        if (count == 0) {
            return -1;
        }
        sort();
        int rank = (int) Math.ceil(p / 100.0 * count);
        return samples[Math.max(rank, 1) - 1];
    }

    public synchronized long max() {
        return count == 0 ? -1 : percentile(100);
    }

    private void sort() {
        if (!sorted) {
            Arrays.sort(samples, 0, count);
            sorted = true;
        }
    }
}
