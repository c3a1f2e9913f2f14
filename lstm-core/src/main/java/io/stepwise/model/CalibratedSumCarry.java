package io.stepwise.model;

import io.stepwise.lstm.LstmConfig;
import io.stepwise.lstm.LstmState;
import io.stepwise.lstm.PackedLstm;
import java.util.SplittableRandom;

/**
 * A {@link SumCarry} calibrated once, when a version is loaded: the version runs over calibration
 * streams whose totals sweep {@code [-maxTotal, maxTotal]}, and every component of its state
 * {@code (h, c)} (every layer) is regressed on the stream's running total, as a piecewise-linear
 * function of the total with evenly spaced knots. {@link #stateFor} then reads the state off that
 * map: about 2·L·H multiply-adds per carried stream, whatever the total.
 *
 * <p>Why a map of the total is enough: a sum model's cells are integrators, so its state is
 * (close to) a function of the total alone; what the map cannot know, the order of the numbers
 * before the swap, a well-trained sum model ignores too. {@link #readoutError()} checks the
 * calibration: how far the version's own read-out of the mapped state lies from the total.
 */
public final class CalibratedSumCarry implements SumCarry {

    /**
     * How to calibrate.
     *
     * @param maxTotal largest total to map, raw units (beyond it the map extrapolates its last piece)
     * @param knots    knots of the piecewise-linear map, evenly spaced over [-maxTotal, maxTotal], odd so that 0 is one
     * @param streams  calibration streams
     * @param length   numbers per calibration stream: long enough that reaching ±maxTotal needs a drift
     *                 of at most {@link #MAX_DRIFT} per element
     * @param seed     seeds the calibration streams
     */
    public record Calibration(double maxTotal, int knots, int streams, int length, long seed) {

        /** The largest mean per element a calibration stream may drift at: values stay in [-100, 100). */
        public static final double MAX_DRIFT = 50;
        /** Largest total mapped for a model that records no valid range. */
        public static final double DEFAULT_MAX_TOTAL = 20_000;
        /** How far past its validated total a model's carry is calibrated. */
        public static final double HEADROOM = 2;
        /**
         * Calibration streams by default. 64 carry as accurately as the 256 first measured, within
         * the new version's own error at every total from 0 to 40,000 (docs/research/sum.md), at a
         * quarter of the cost: about 0.25 s for a hidden size of 64 on streams of 1,024.
         */
        public static final int STREAMS = 64;

        public Calibration {
            if (!(maxTotal > 0) || Double.isInfinite(maxTotal)) {
                throw new IllegalArgumentException("the largest total must be positive and finite, got " + maxTotal);
            }
            if (knots < 3 || knots % 2 == 0) {
                throw new IllegalArgumentException("knots must be odd and >= 3 (so that 0 is one), got " + knots);
            }
            if (streams < 1) {
                throw new IllegalArgumentException("calibration needs at least one stream, got " + streams);
            }
            if (length < minLength(maxTotal)) {
                throw new IllegalArgumentException("calibration streams of " + length + " numbers reach a total of "
                        + maxTotal + " only by drifting more than " + MAX_DRIFT + " per element; use at least "
                        + minLength(maxTotal) + " numbers");
            }
        }

        /** The shortest streams that reach {@code OVERSHOOT * maxTotal} drifting at most MAX_DRIFT per element. */
        static int minLength(double maxTotal) {
            // the small slack keeps 1.1 * 100000 / 50 at 2200, not 2201
            return Math.max(1, (int) Math.ceil(OVERSHOOT * maxTotal / MAX_DRIFT - 1e-9));
        }

        /** Totals up to {@code maxTotal} with the defaults: 65 knots, {@link #STREAMS} streams of 1,024 numbers or more. */
        public static Calibration upTo(double maxTotal) {
            int length = Math.max(1024, minLength(maxTotal));
            return new Calibration(maxTotal, 65, STREAMS, length, 1);
        }

        /**
         * The calibration a carry into {@code model} uses: over {@link #HEADROOM} times the largest
         * total its recorded {@code valid_range} validated, on streams no longer than it was validated
         * on (at most 1,024, as long as the drift allows); {@link #upTo upTo(DEFAULT_MAX_TOTAL)} when
         * it records none. A model calibrated past the lengths it was validated on maps garbage (a
         * gradient-trained model past 256 numbers: docs/research/sum.md), and within its range its
         * state is what the map should learn.
         */
        public static Calibration forModel(SumModel model) {
            SumValidRange r = model.validRange();
            if (r == null || r.validatedMaxLength() < 2 || !(r.validatedMaxAbsTotal() > 0)) {
                return upTo(DEFAULT_MAX_TOTAL);
            }
            double max = HEADROOM * r.validatedMaxAbsTotal();
            int length = Math.max(minLength(max), Math.min(1024, r.validatedMaxLength()));
            return new Calibration(max, 65, STREAMS, length, 1);
        }
    }

    /** Calibration streams end at totals up to this multiple of maxTotal, so the outer knots get samples. */
    static final double OVERSHOOT = 1.1;
    /** Second-difference penalty on the map, relative to the mean samples per knot: smooths knots few streams reach. */
    static final double SMOOTHING = 1e-3;

    private final SumModel model;
    private final double maxTotal;
    private final double spacing;
    /** [knot][component of (h, c)]: the map's value at each knot. */
    private final float[][] atKnot;
    private final double readoutError;

    private CalibratedSumCarry(SumModel model, double maxTotal, float[][] atKnot) {
        this.model = model;
        this.maxTotal = maxTotal;
        this.spacing = 2 * maxTotal / (atKnot.length - 1);
        this.atKnot = atKnot;
        this.readoutError = worstReadoutError();
    }

    /** Calibrates a map for {@code model}. */
    public static CalibratedSumCarry calibrate(SumModel model, Calibration cal) {
        LstmConfig cfg = model.lstmConfig();
        int d = 2 * cfg.numLayers() * cfg.hiddenSize();
        int k = cal.knots();
        double spacing = 2 * cal.maxTotal() / (k - 1);
        double[][] gram = new double[k][k];
        double[][] rhs = new double[k][d];
        SplittableRandom rng = new SplittableRandom(cal.seed());
        int n = cal.streams();
        LstmState[] states = new LstmState[n];
        double[] mean = new double[n];
        double[] total = new double[n];
        for (int b = 0; b < n; b++) {
            states[b] = LstmState.zeros(cfg);
            // each stream drifts towards its own end total, so that together they sweep the range
            mean[b] = (2 * rng.nextDouble() - 1) * OVERSHOOT * cal.maxTotal() / cal.length();
        }
        PackedLstm lstm = model.packed();
        PackedLstm.BatchScratch scratch = lstm.newBatchScratch();
        float[] x = new float[n];
        for (int t = 0; t < cal.length(); t++) {
            for (int b = 0; b < n; b++) {
                double v = value(rng, mean[b]);
                total[b] += v;
                x[b] = (float) (v / model.inputScale());
            }
            lstm.stepBatch(x, states, n, scratch);
            for (int b = 0; b < n; b++) {
                addSample(total[b], states[b].values(), cal.maxTotal(), spacing, gram, rhs);
            }
        }
        smooth(gram, (double) n * cal.length() / k);
        float[][] atKnot = solve(gram, rhs);
        return new CalibratedSumCarry(model, cal.maxTotal(), atKnot);
    }

    /** A whole number uniform in a window of [-100, 100) centred as near {@code mean} as the range allows. */
    private static double value(SplittableRandom rng, double mean) {
        double half = 100 - Math.abs(mean);
        return Math.max(-100, Math.min(99, Math.floor(mean - half + rng.nextDouble() * 2 * half)));
    }

    /** The sample's hat-function weights on its two neighbouring knots, into the normal equations. */
    private static void addSample(double total, float[] hc, double maxTotal, double spacing, double[][] gram, double[][] rhs) {
        int k = gram.length;
        double pos = (total + maxTotal) / spacing;
        if (pos < 0 || pos > k - 1) {
            return; // beyond the map: such samples would only pull the outer pieces' slopes
        }
        int lo = Math.min(k - 2, (int) pos);
        double t = pos - lo;
        double wLo = 1 - t;
        double wHi = t;
        gram[lo][lo] += wLo * wLo;
        gram[lo][lo + 1] += wLo * wHi;
        gram[lo + 1][lo] += wLo * wHi;
        gram[lo + 1][lo + 1] += wHi * wHi;
        for (int j = 0; j < hc.length; j++) {
            rhs[lo][j] += wLo * hc[j];
            rhs[lo + 1][j] += wHi * hc[j];
        }
    }

    /** Adds {@code lambda * D^T D}, D the second differences of the knot values. */
    private static void smooth(double[][] gram, double meanSamplesPerKnot) {
        double lambda = SMOOTHING * meanSamplesPerKnot;
        int[] off = {-1, 0, 1};
        double[] coef = {1, -2, 1};
        for (int r = 1; r + 1 < gram.length; r++) {
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    gram[r + off[a]][r + off[b]] += lambda * coef[a] * coef[b];
                }
            }
        }
    }

    /** Solves {@code gram · X = rhs} for all components at once (Gaussian elimination with partial pivoting). */
    private static float[][] solve(double[][] gram, double[][] rhs) {
        int k = gram.length;
        int d = rhs[0].length;
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int r = col + 1; r < k; r++) {
                if (Math.abs(gram[r][col]) > Math.abs(gram[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tg = gram[col];
            gram[col] = gram[pivot];
            gram[pivot] = tg;
            double[] tr = rhs[col];
            rhs[col] = rhs[pivot];
            rhs[pivot] = tr;
            if (gram[col][col] == 0) {
                throw new IllegalStateException("no calibration stream reached the totals around knot " + col
                        + "; use more or longer streams");
            }
            for (int r = col + 1; r < k; r++) {
                double f = gram[r][col] / gram[col][col];
                if (f != 0) {
                    for (int c = col; c < k; c++) {
                        gram[r][c] -= f * gram[col][c];
                    }
                    for (int j = 0; j < d; j++) {
                        rhs[r][j] -= f * rhs[col][j];
                    }
                }
            }
        }
        float[][] x = new float[k][d];
        double[] acc = new double[d];
        for (int r = k - 1; r >= 0; r--) {
            System.arraycopy(rhs[r], 0, acc, 0, d);
            for (int c = r + 1; c < k; c++) {
                double g = gram[r][c];
                if (g != 0) {
                    for (int j = 0; j < d; j++) {
                        acc[j] -= g * x[c][j];
                    }
                }
            }
            for (int j = 0; j < d; j++) {
                x[r][j] = (float) (acc[j] / gram[r][r]);
            }
        }
        return x;
    }

    @Override
    public SumModel model() {
        return model;
    }

    /** The largest total the map was calibrated for; beyond it, the map extends its last piece. */
    public double maxTotal() {
        return maxTotal;
    }

    @Override
    public LstmState stateFor(double total) {
        if (!Double.isFinite(total)) {
            throw new IllegalArgumentException("total must be finite, got " + total);
        }
        int k = atKnot.length;
        double pos = (total + maxTotal) / spacing;
        // the outer pieces extend linearly beyond the range, as integrators' cells do
        int lo = Math.max(0, Math.min(k - 2, (int) Math.floor(pos)));
        float t = (float) (pos - lo);
        float[] a = atKnot[lo];
        float[] b = atKnot[lo + 1];
        float[] hc = new float[a.length];
        for (int j = 0; j < hc.length; j++) {
            hc[j] = a[j] + t * (b[j] - a[j]);
        }
        LstmConfig cfg = model.lstmConfig();
        return new LstmState(cfg.numLayers(), cfg.hiddenSize(), hc);
    }

    /** The version's read-out of the mapped state for {@code total}, raw units, before any further element. */
    public double readout(double total) {
        LstmState s = stateFor(total);
        float[] y = new float[1];
        model.linear().forwardRow(s.values(), s.hOffset(model.lstmConfig().numLayers() - 1), y);
        return (double) y[0] * model.targetScale();
    }

    /**
     * The largest {@code |readout(S) - S|} over the knots and the midpoints between them: how far
     * from the total the version itself reads the mapped states, raw units.
     */
    public double readoutError() {
        return readoutError;
    }

    private double worstReadoutError() {
        double worst = 0;
        for (int i = 0; i <= 2 * (atKnot.length - 1); i++) {
            double s = -maxTotal + i * spacing / 2;
            worst = Math.max(worst, Math.abs(readout(s) - s));
        }
        return worst;
    }
}
