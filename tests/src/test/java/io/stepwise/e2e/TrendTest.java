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
     * A checkpoint size as RocksDB makes it: one more level-0 file per checkpoint (every 5 s) for
     * four checkpoints, then a compaction back to the bottom, sampled every {@code step} s over
     * {@code seconds}; {@code phase} shifts the tooth; {@code leak} is the rise from {@code from}
     * over {@code span} seconds, as a share of the level. Before {@code lowUntil} the teeth peak
     * after three files (a warm-up whose compactions came early).
     */
    private static double[][] sawtooth(int phase, double leak, double from, double span, double lowUntil, int step, int seconds) {
        int n = seconds / step;
        double[] t = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = 0.1 + step * i;
            int filesSinceCompaction = (int) (((t[i] + phase) % 20) / 5);
            if (t[i] < lowUntil) {
                filesSinceCompaction = Math.min(filesSinceCompaction, 2);
            }
            y[i] = (310_000 + 105_000 * filesSinceCompaction) * (1 + leak * Math.max(0, t[i] - from) / span);
        }
        return new double[][]{t, y};
    }

    private static Trend.Verdict onEnvelope(double[][] s, double from, double to) {
        return verdict(new double[][]{s[0], Trend.envelope(s[0], s[1], 25, from, to)}, from, to);
    }

    @Test
    void aSawtoothLongerThanASpanLevelsOffOnItsEnvelopeWhateverItsPhaseAndTheToothBeforeTheWindow() {
        boolean mediansMisjudgedAPhase = false;
        for (int phase = 0; phase < 20; phase++) {
            // the 3-minute soak's window before the kill, after a warm-up of lower teeth
            double[][] flat = sawtooth(phase, 0, 48, 56, 45, 2, 240);
            mediansMisjudgedAPhase |= !verdict(flat, 48, 104).levels();
            Trend.Verdict v = onEnvelope(flat, 48, 104);
            assertThat(v.levels()).as("phase %d: %s", phase, v.describe()).isTrue();
            assertThat(v.mean()).isEqualTo(625_000);
        }
        assertThat(mediansMisjudgedAPhase).as("the spans' medians alone, on some phase of a flat tooth").isTrue();
    }

    @Test
    void aLeakingSawtoothFailsOnItsEnvelope() {
        for (int phase = 0; phase < 20; phase++) {
            // 30-minute soak: a window of 8 minutes, sampled every 5 s; 40% more over it
            Trend.Verdict slow = onEnvelope(sawtooth(phase, 0.4, 300, 480, 0, 5, 1800), 300, 780);
            assertThat(slow.levels()).as("phase %d: %s", phase, slow.describe()).isFalse();
            // 3-minute soak: a window of 56 s resolves only a steep rise, here 2.5 times the level
            Trend.Verdict steep = onEnvelope(sawtooth(phase, 1.5, 48, 56, 0, 2, 240), 48, 104);
            assertThat(steep.levels()).as("phase %d: %s", phase, steep.describe()).isFalse();
        }
    }

    @Test
    void theEnvelopeStaysInsideItsWindowAndLeavesOutWhatWasNotMeasured() {
        double[] t = {0, 1, 2, 3, 4, 5};
        double[] y = {9, Double.NaN, 5, Double.NaN, 4, 9};
        double[] e = Trend.envelope(t, y, 1.5, 1, 4);
        assertThat(e[0]).as("before the window").isNaN();
        assertThat(e[5]).as("after the window").isNaN();
        assertThat(new double[]{e[1], e[2], e[3], e[4]}).containsExactly(new double[]{5, 5, 5, 4}, within(0.0));
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
