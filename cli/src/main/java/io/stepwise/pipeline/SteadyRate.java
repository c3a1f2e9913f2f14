package io.stepwise.pipeline;

import java.util.Arrays;

/**
 * Elements per second over a pre-filled topic, from the times the results were written. The times
 * are the broker's: the output topic stamps each record when it is appended
 * ({@code message.timestamp.type=LogAppendTime}), which for a transactional writer is when the
 * result was sent, not when its transaction committed. So the rate is what the system under test
 * processes, and the wait for commits is left to the latency.
 *
 * <p>The first {@link #WARM_UP} of the results are the warm-up (JIT compilation, the first fetches,
 * the producers' start, the first checkpoint) and are not counted: the rate runs from the result at
 * that mark to the last one.
 */
public final class SteadyRate {

    /** The share of results, the first ones written, left out as warm-up. */
    public static final double WARM_UP = 0.2;

    private long[] times = new long[1024];
    private int count;

    /** A result written at {@code appendMillis} (broker time). */
    public synchronized void add(long appendMillis) {
        if (count == times.length) {
            times = Arrays.copyOf(times, times.length * 2);
        }
        times[count++] = appendMillis;
    }

    public synchronized int count() {
        return count;
    }

    /** Results per second after the warm-up; NaN when they all carry the same millisecond or fewer than two remain. */
    public synchronized double perSecond() {
        long[] t = sorted();
        int from = warmUpEnd();
        int last = count - 1;
        if (last - from < 1 || t[last] == t[from]) {
            return Double.NaN;
        }
        return (last - from) * 1000.0 / (t[last] - t[from]);
    }

    /**
     * How long the counted part lasted, in seconds. A window of only a few checkpoint intervals
     * times few of the pauses that checkpoints and commits make, and is the less steady for it.
     */
    public synchronized double windowSeconds() {
        if (count < 2) {
            return 0;
        }
        long[] t = sorted();
        return (t[count - 1] - t[warmUpEnd()]) / 1000.0;
    }

    private long[] sorted() {
        long[] t = Arrays.copyOf(times, count);
        Arrays.sort(t);
        return t;
    }

    private int warmUpEnd() {
        return (int) Math.floor(count * WARM_UP);
    }
}
