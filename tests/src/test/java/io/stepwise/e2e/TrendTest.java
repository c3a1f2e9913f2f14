package io.stepwise.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The soak test's level-off check on synthetic series whose shape is known: it must pass what is
 * flat and fail what grows, or the soak test proves nothing.
 */
class TrendTest {

    private static final double TOLERANCE = 0.2;

    /** One sample every 5 s for 30 minutes, {@code f(t)} plus seeded noise of {@code noise} × f(t). */
    private static double[][] series(DoubleUnaryOperator f, double noise, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 360;
        double[] t = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = 5.0 * i;
            y[i] = f.applyAsDouble(t[i]) * (1 + noise * (2 * rng.nextDouble() - 1));
        }
        return new double[][]{t, y};
    }

    private static Trend.Verdict verdict(double[][] s, double from, double to) {
        return Trend.of("test", s[0], s[1], from, to, TOLERANCE);
    }

    @Test
    void aNoisyLevelLevelsOff() {
        for (long seed = 1; seed <= 20; seed++) {
            Trend.Verdict v = verdict(series(t -> 5000, 0.15, seed), 120, 1800);
            assertThat(v.levels()).as(v.describe()).isTrue();
            assertThat(v.mean()).isCloseTo(5000, within(250.0));
        }
    }

    @Test
    void aSteadyRiseOfAThirdOverTheWindowIsCaughtThroughNoise() {
        // a leak: +40% of the starting level over the window, a third of its mean
        for (long seed = 1; seed <= 20; seed++) {
            Trend.Verdict v = verdict(series(t -> 4000 * (1 + 0.4 * (t - 120) / 1680), 0.1, seed), 120, 1800);
            assertThat(v.levels()).as(v.describe()).isFalse();
            assertThat(v.relativeGrowth()).isGreaterThan(TOLERANCE);
        }
    }

    @Test
    void aRiseThatEndsBeforeTheWindowIsWarmUpNotATrend() {
        // state filling up until the first expiry, then held
        double[][] s = series(t -> Math.min(t, 100) * 50, 0.05, 3);
        assertThat(verdict(s, 0, 1800).levels()).as("the rise inside the window").isTrue();
        assertThat(verdict(s, 0, 300).levels()).as("a window that is mostly the rise").isFalse();
        assertThat(verdict(s, 120, 1800).levels()).isTrue();
    }

    @Test
    void spikesOnALevelAreNoTrend() {
        // a checkpoint caught mid-compaction is twice its size now and then; most are not
        SplittableRandom rng = new SplittableRandom(8);
        double[][] s = series(t -> 500_000, 0.05, 8);
        for (int i = 0; i < s[1].length; i++) {
            if (rng.nextInt(8) == 0) {
                s[1][i] *= 2;
            }
        }
        Trend.Verdict v = verdict(s, 120, 1800);
        assertThat(v.levels()).as(v.describe()).isTrue();
    }

    /**
     * A checkpoint size as RocksDB makes it: a checkpoint every 5 s from {@code phase} s, each one
     * more level-0 file of 105 KB on a compacted 310 KB, until a compaction after two or three more
     * files (drawn per tooth from {@code seed}; runs show both, 525 and 630 KB peaks) takes it back
     * down; sampled every {@code step} s over {@code seconds}; {@code leak} is the rise from
     * {@code from} over {@code span} seconds, as a share of the level.
     */
    private static double[][] sawtooth(long seed, int phase, double leak, double from, double span, int step, int seconds) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = seconds / step;
        double[] t = new double[n];
        double[] y = new double[n];
        int files = 0;
        int peak = 2 + rng.nextInt(2);
        double nextCheckpoint = phase;
        double size = 310_000;
        for (int i = 0; i < n; i++) {
            t[i] = 0.1 + step * i;
            while (nextCheckpoint <= t[i]) {
                if (files == peak) {
                    files = 0;
                    peak = 2 + rng.nextInt(2);
                } else {
                    files++;
                }
                size = 310_000 + 105_000 * files;
                nextCheckpoint += 5;
            }
            y[i] = size * (1 + leak * Math.max(0, t[i] - from) / span);
        }
        return new double[][]{t, y};
    }

    private static Trend.Verdict onTroughs(double[][] s, double from, double to) {
        return verdict(new double[][]{s[0], Trend.lowerEnvelope(s[0], s[1], 25, from, to)}, from, to);
    }

    private static Trend.Verdict onPeaks(double[][] s, double from, double to) {
        return verdict(new double[][]{s[0], Trend.upperEnvelope(s[0], s[1], 25, from, to)}, from, to);
    }

    @Test
    void aSawtoothLevelsOffOnItsLowerEnvelopeWhateverItsPhaseAndHowManyFilesEachCompactionWaitedFor() {
        boolean mediansMisjudged = false;
        boolean peaksMisjudged = false;
        for (long seed = 1; seed <= 10; seed++) {
            for (int phase = 0; phase < 5; phase++) {
                // the 3-minute soak's window before the kill, sampled every 2 s
                double[][] flat = sawtooth(seed, phase, 0, 48, 56, 2, 240);
                mediansMisjudged |= !verdict(flat, 48, 104).levels();
                peaksMisjudged |= !onPeaks(flat, 48, 104).levels();
                Trend.Verdict v = onTroughs(flat, 48, 104);
                assertThat(v.levels()).as("seed %d, phase %d: %s", seed, phase, v.describe()).isTrue();
                assertThat(v.mean()).isEqualTo(310_000);
            }
        }
        // why the troughs: the spans' medians and the peaks both read growth into some flat run
        assertThat(mediansMisjudged).as("the spans' medians, on some flat run").isTrue();
        assertThat(peaksMisjudged).as("the upper envelope, on some flat run").isTrue();
    }

    @Test
    void aLeakingSawtoothFailsOnItsLowerEnvelope() {
        for (long seed = 1; seed <= 10; seed++) {
            for (int phase = 0; phase < 5; phase++) {
                // 30-minute soak: a window of 8 minutes, sampled every 5 s; 40% more over it
                Trend.Verdict slow = onTroughs(sawtooth(seed, phase, 0.4, 300, 480, 5, 1800), 300, 780);
                assertThat(slow.levels()).as("seed %d, phase %d: %s", seed, phase, slow.describe()).isFalse();
                // 3-minute soak: a window of 56 s resolves only a steep rise, here 2.5 times the level
                Trend.Verdict steep = onTroughs(sawtooth(seed, phase, 1.5, 48, 56, 2, 240), 48, 104);
                assertThat(steep.levels()).as("seed %d, phase %d: %s", seed, phase, steep.describe()).isFalse();
            }
        }
    }

    @Test
    void theEnvelopesStayInsideTheirWindowAndLeaveOutWhatWasNotMeasured() {
        double[] t = {0, 1, 2, 3, 4, 5};
        double[] y = {9, Double.NaN, 5, Double.NaN, 4, 9};
        double[] low = Trend.lowerEnvelope(t, y, 1.5, 1, 4);
        double[] high = Trend.upperEnvelope(t, y, 1.5, 1, 4);
        for (double[] e : new double[][]{low, high}) {
            assertThat(e[0]).as("before the window").isNaN();
            assertThat(e[5]).as("after the window").isNaN();
        }
        assertThat(new double[]{low[1], low[2], low[3], low[4]}).containsExactly(new double[]{5, 5, 4, 4}, within(0.0));
        assertThat(new double[]{high[1], high[2], high[3], high[4]}).containsExactly(new double[]{5, 5, 5, 4}, within(0.0));
    }

    @Test
    void aFallingFigureLevelsOff() {
        // only growth is a leak: state shrinking after load drops is fine
        assertThat(verdict(series(t -> 9000 - 3 * t, 0.05, 4), 120, 1800).levels()).isTrue();
    }

    @Test
    void tooFewSamplesShowNoLevelAndFail() {
        double[] t = {0, 10, 20};
        double[] y = {1, 1, 1};
        Trend.Verdict v = Trend.of("short", t, y, 0, 30, TOLERANCE);
        assertThat(v.levels()).isFalse();
        assertThat(v.describe()).contains("no level can be seen");
        // samples not measured (NaN) do not count
        double[] gaps = {1, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 1};
        double[] ts = {0, 5, 10, 15, 20, 29};
        assertThat(Trend.of("gaps", ts, gaps, 0, 30, TOLERANCE).levels()).isFalse();
    }

    @Test
    void aLevelThatComesBackHigherAfterARestartFailsTheStep() {
        Trend.Verdict before = verdict(series(t -> 3000, 0.05, 5), 100, 900);
        Trend.Verdict same = verdict(series(t -> 3000, 0.05, 6), 1000, 1800);
        Trend.Verdict doubled = verdict(series(t -> 6000, 0.05, 7), 1000, 1800);
        assertThat(before.levels() && same.levels() && doubled.levels()).as("each window is flat on its own").isTrue();
        assertThat(Trend.step("state", before, same, TOLERANCE).levels()).isTrue();
        Trend.Verdict step = Trend.step("state", before, doubled, TOLERANCE);
        assertThat(step.levels()).as(step.describe()).isFalse();
        assertThat(step.relativeGrowth()).isCloseTo(1.0, within(0.1));
    }
}
