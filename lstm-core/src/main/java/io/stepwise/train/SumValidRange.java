package io.stepwise.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a sum model has been shown to work, read off its evaluation: the longest length up to
 * which every evaluated length kept the error within {@code tolerance} of the sum's spread, and
 * the largest total those evaluation streams reached. A model file records it (provenance
 * {@code valid_range}) so that a consumer can flag results beyond it: a stream longer than the
 * validated length, or a running sum larger than the validated total, is extrapolation.
 *
 * @param tolerance            largest RMSE / std(sum) that counts as valid (the brief's 1%: 0.01)
 * @param trainedMaxLength     longest stream in training (or in the read-out fit)
 * @param validatedMaxLength   longest evaluated length L such that every evaluated length up to L is
 *                             within tolerance; 0 when even the shortest is not
 * @param validatedMaxAbsTotal largest |sum| among the evaluation streams of those lengths
 * @param worstRelativeError   largest RMSE / std(sum) over those lengths
 */
public record SumValidRange(double tolerance, int trainedMaxLength, int validatedMaxLength, double validatedMaxAbsTotal,
                            double worstRelativeError) {

    public SumValidRange {
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
        }
    }

    /** The range {@code rows} (an evaluation, any order) support at {@code tolerance}. */
    public static SumValidRange of(List<SumEvaluation.Row> rows, double tolerance, int trainedMaxLength) {
        List<SumEvaluation.Row> byLength = rows.stream()
                .sorted(java.util.Comparator.comparingInt(SumEvaluation.Row::length)).toList();
        int length = 0;
        double total = 0;
        double worst = 0;
        for (SumEvaluation.Row r : byLength) {
            if (!(r.relativeError() <= tolerance)) {
                break; // beyond the first failing length nothing is validated, even if a longer one passes
            }
            length = r.length();
            total = Math.max(total, r.maxAbsTrueSum());
            worst = Math.max(worst, r.relativeError());
        }
        return new SumValidRange(tolerance, trainedMaxLength, length, total, worst);
    }

    /** Whether a running sum {@code total} after {@code length} numbers lies inside the validated range. */
    public boolean covers(long length, double total) {
        return length <= validatedMaxLength && Math.abs(total) <= validatedMaxAbsTotal;
    }

    /** The fields as a model file's provenance records them. */
    public Map<String, Object> provenance() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tolerance_rmse_over_std", tolerance);
        m.put("input_range", List.of(SumData.LOW, SumData.HIGH)); // [low, high): the values trained on
        m.put("trained_max_length", trainedMaxLength);
        m.put("validated_max_length", validatedMaxLength);
        m.put("validated_max_abs_total", validatedMaxAbsTotal);
        m.put("worst_rmse_over_std", worstRelativeError);
        return m;
    }
}
