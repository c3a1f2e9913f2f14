package io.stepwise.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Whether a sampled figure levels off: the soak test's verdict on heap, RSS, keyed state entries
 * and checkpoint size.
 *
 * <p>The window is cut into {@link #BINS} equal spans of time and each span reduced to its median,
 * which one odd sample (a checkpoint caught mid-compaction) does not move. A straight line is fitted
 * to those medians by least squares; its rise over the whole window, as a fraction of their mean, is
 * the figure's growth. A figure levels off when that growth is at most the
 * tolerance: a leak rises steadily and so projects its whole rise, while noise around a level
 * fits a slope near zero. A window with fewer than {@link #MIN_BINS} spans holding samples cannot
 * show a level and fails.
 */
final class Trend {

    static final int BINS = 6;
    static final int MIN_BINS = 4;

    /**
     * The verdict on one figure in one window.
     *
     * @param figure    what was measured, and where
     * @param from      the window's start (seconds into the run)
     * @param to        the window's end
     * @param spans     spans of the window that held samples
     * @param first     the first span's value: the level as the window begins
     * @param last      the last span's value: the level as it ends
     * @param mean      mean of the spans' values
     * @param growth    rise of the fitted line over the window, in the figure's unit
     * @param tolerance the largest growth allowed, as a fraction of the mean
     * @param levels    whether it levels off: enough spans, and growth at most tolerance × mean
     */
    record Verdict(String figure, double from, double to, int spans, double first, double last, double mean, double growth, double tolerance, boolean levels) {

        double relativeGrowth() {
            return mean == 0 ? (growth == 0 ? 0 : Double.POSITIVE_INFINITY) : growth / Math.abs(mean);
        }

        String describe() {
            if (spans < MIN_BINS) {
                return String.format(Locale.ROOT, "%s, %.0f-%.0f s: only %d of %d spans hold samples, no level can be seen",
                        figure, from, to, spans, BINS);
            }
            return String.format(Locale.ROOT, "%s, %.0f-%.0f s: level %.4g, rise %+.4g (%+.1f%% of the level, allowed %.0f%%)",
                    figure, from, to, mean, growth, 100 * relativeGrowth(), 100 * tolerance);
        }
    }

    private Trend() {
    }

    /**
     * The verdict on the samples {@code (t[i], y[i])} that fall in {@code [from, to]}; samples that
     * are NaN (not measured) are left out.
     */
    static Verdict of(String figure, double[] t, double[] y, double from, double to, double tolerance) {
        if (t.length != y.length) {
            throw new IllegalArgumentException(figure + ": " + t.length + " times but " + y.length + " values");
        }
        if (!(to > from)) {
            return new Verdict(figure, from, to, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, tolerance, false);
        }
        double width = (to - from) / BINS;
        List<List<Double>> spans = new ArrayList<>();
        for (int b = 0; b < BINS; b++) {
            spans.add(new ArrayList<>());
        }
        for (int i = 0; i < t.length; i++) {
            if (t[i] < from || t[i] > to || Double.isNaN(y[i])) {
                continue;
            }
            spans.get(Math.min(BINS - 1, (int) ((t[i] - from) / width))).add(y[i]);
        }
        List<double[]> points = new ArrayList<>();
        for (int b = 0; b < BINS; b++) {
            if (!spans.get(b).isEmpty()) {
                points.add(new double[]{from + (b + 0.5) * width, median(spans.get(b))});
            }
        }
        if (points.size() < MIN_BINS) {
            return new Verdict(figure, from, to, points.size(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, tolerance, false);
        }
        double mx = 0;
        double my = 0;
        for (double[] p : points) {
            mx += p[0];
            my += p[1];
        }
        mx /= points.size();
        my /= points.size();
        double sxy = 0;
        double sxx = 0;
        for (double[] p : points) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        double growth = sxy / sxx * (to - from);
        boolean levels = growth <= tolerance * Math.abs(my);
        return new Verdict(figure, from, to, points.size(), points.get(0)[1], points.get(points.size() - 1)[1], my, growth,
                tolerance, levels);
    }

    /**
     * The series' lower envelope inside the window {@code [from, to]}: at each sample of the window,
     * the smallest value within {@code cycle} seconds either side of it that is also in the window
     * (NaN samples left out); NaN outside the window. A figure that saw-tooths with a period up to
     * {@code cycle}, such as the size of an incremental RocksDB checkpoint between two compactions,
     * is judged on it: every sample then sees at least one trough of the window's own, the size
     * right after a compaction, which neither the tooth's phase nor how many files the compaction
     * waited for moves (its peaks do: three files or four, 525 or 630 KB in one run), while a leak
     * raises it. Over a window a few cycles long it only resolves a steep rise (TrendTest says how
     * steep).
     */
    static double[] lowerEnvelope(double[] t, double[] y, double cycle, double from, double to) {
        return envelope(t, y, cycle, from, to, false);
    }

    /** {@link #lowerEnvelope}'s counterpart: the largest value within {@code cycle} seconds either side. */
    static double[] upperEnvelope(double[] t, double[] y, double cycle, double from, double to) {
        return envelope(t, y, cycle, from, to, true);
    }

    private static double[] envelope(double[] t, double[] y, double cycle, double from, double to, boolean upper) {
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = Double.NaN;
            if (t[i] < from || t[i] > to) {
                continue;
            }
            for (int j = 0; j < y.length; j++) {
                boolean inReach = t[j] >= Math.max(from, t[i] - cycle) && t[j] <= Math.min(to, t[i] + cycle);
                if (inReach && !Double.isNaN(y[j]) && (Double.isNaN(out[i]) || (upper ? y[j] > out[i] : y[j] < out[i]))) {
                    out[i] = y[j];
                }
            }
        }
        return out;
    }

    /**
     * The verdict on a step between two windows of one figure (before and after a restart): the
     * level after may exceed the level before by at most the tolerance. A figure that levels off in
     * each window but comes back from a restart higher (state that no longer expires, a TaskManager
     * that kept what the failed job held) fails here.
     */
    static Verdict step(String figure, Verdict before, Verdict after, double tolerance) {
        int spans = Math.min(before.spans(), after.spans());
        double growth = after.mean() - before.mean();
        boolean levels = spans >= MIN_BINS && growth <= tolerance * Math.abs(before.mean());
        return new Verdict(figure, before.from(), after.to(), spans, before.first(), after.last(), before.mean(), growth, tolerance, levels);
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
