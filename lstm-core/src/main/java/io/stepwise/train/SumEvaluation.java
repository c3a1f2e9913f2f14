package io.stepwise.train;

import io.stepwise.model.SumModel;
import io.stepwise.model.SumValidRange;
import java.util.ArrayList;
import java.util.List;

/**
 * The notebook's test of the sum regressor: for lengths 2, 4, 8, ... on fresh sequences with
 * {@code num_prob = 1}, the squared error of the final running sum. The model runs stepwise, one
 * element at a time from the zero state, exactly as the streaming job will serve it.
 */
public final class SumEvaluation {

    /**
     * The errors at one length over {@code sequences} test sequences: mean and standard deviation of
     * the squared error of the final sum, its root, and the standard deviation of the true sum (the
     * error of predicting the mean, for scale), and the largest true sum in absolute value (how far
     * from zero the length was tested).
     */
    public record Row(int length, int sequences, double meanSquaredError, double stdSquaredError, double rmse, double stdTrueSum,
                      double maxAbsTrueSum) {
        /** RMSE as a share of the true sum's standard deviation; 0.01 is "within 1%". */
        public double relativeError() {
            return rmse / stdTrueSum;
        }
    }

    private SumEvaluation() {
    }

    /** Lengths 2, 4, 8, ... up to and including {@code maxLength} (and maxLength itself if no power of 2). */
    public static List<Integer> lengths(int maxLength) {
        List<Integer> out = new ArrayList<>();
        for (int n = 2; n <= maxLength; n *= 2) {
            out.add(n);
        }
        if (out.isEmpty() || out.get(out.size() - 1) != maxLength) {
            out.add(maxLength);
        }
        return out;
    }

    public static List<Row> evaluate(SumModel model, int maxLength, int sequences, long seed) {
        SumData data = new SumData(seed);
        List<Row> rows = new ArrayList<>();
        for (int length : lengths(maxLength)) {
            rows.add(evaluateLength(model, length, sequences, data));
        }
        return rows;
    }

    /**
     * The range {@code rows} (an evaluation, any order) support at {@code tolerance}: every length
     * up to the first one outside the tolerance, and the largest total among their streams. A model
     * trained on streams of {@code trainedMaxLength} records it as its {@code valid_range}.
     */
    public static SumValidRange validRange(List<Row> rows, double tolerance, int trainedMaxLength) {
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
        }
        List<Row> byLength = rows.stream().sorted(java.util.Comparator.comparingInt(Row::length)).toList();
        int length = 0;
        double total = 0;
        double worst = 0;
        for (Row r : byLength) {
            if (!(r.relativeError() <= tolerance)) {
                break; // beyond the first failing length nothing is validated, even if a longer one passes
            }
            length = r.length();
            total = Math.max(total, r.maxAbsTrueSum());
            worst = Math.max(worst, r.relativeError());
        }
        return new SumValidRange(tolerance, SumData.LOW, SumData.HIGH, trainedMaxLength, length, total, worst);
    }

    /**
     * How well a model reads out given sequences' targets: the root mean squared error over every
     * position (what a streaming consumer sees after each element) and over the final positions
     * only, raw units. The model runs stepwise from the zero state, as the streaming job serves it.
     */
    public record Fit(int sequences, long positions, double rmse, double finalRmse) {
    }

    public static Fit fit(SumModel model, List<SumSequence> sequences) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("no sequences to evaluate on");
        }
        double all = 0;
        double last = 0;
        long positions = 0;
        for (SumSequence s : sequences) {
            double[] predicted = model.runningSums(s.values());
            for (int t = 0; t < predicted.length; t++) {
                double d = predicted[t] - s.targets()[t];
                all += d * d;
            }
            double d = predicted[predicted.length - 1] - s.targets()[s.length() - 1];
            last += d * d;
            positions += predicted.length;
        }
        return new Fit(sequences.size(), positions, Math.sqrt(all / positions), Math.sqrt(last / sequences.size()));
    }

    static Row evaluateLength(SumModel model, int length, int sequences, SumData data) {
        double[] sq = new double[sequences];
        double[] sums = new double[sequences];
        SumModel.Stepper stepper = model.newStepper();
        for (int i = 0; i < sequences; i++) {
            double[] values = data.sequence(length, 1.0);
            io.stepwise.lstm.LstmState state = io.stepwise.lstm.LstmState.zeros(model.lstmConfig());
            double predicted = 0;
            double sum = 0;
            for (double v : values) {
                predicted = stepper.step(v, state);
                sum += v;
            }
            sums[i] = sum;
            sq[i] = (predicted - sum) * (predicted - sum);
        }
        double mse = mean(sq);
        double maxAbs = 0;
        for (double v : sums) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        return new Row(length, sequences, mse, std(sq, mse), Math.sqrt(mse), std(sums, mean(sums)), maxAbs);
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** Population standard deviation, as numpy's {@code std} computes it. */
    private static double std(double[] x, double mean) {
        double s = 0;
        for (double v : x) {
            s += (v - mean) * (v - mean);
        }
        return Math.sqrt(s / x.length);
    }
}
