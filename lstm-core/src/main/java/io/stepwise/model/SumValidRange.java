package io.stepwise.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a sum model has been shown to work, read off its evaluation: the longest length up to
 * which every evaluated length kept the error within {@code tolerance} of the sum's spread, and
 * the largest total those evaluation streams reached. A model file records it (provenance
 * {@code valid_range}, written by {@code train sum}) so that results beyond it can be flagged: a
 * stream longer than the validated length, or a running sum larger than the validated total, is
 * extrapolation ({@link SumModel#inValidRange}).
 *
 * @param tolerance            largest RMSE / std(sum) that counts as valid (the brief's 1%: 0.01)
 * @param inputLow             smallest value trained on
 * @param inputHigh            values trained on are below this
 * @param trainedMaxLength     longest stream in training (or in the read-out fit)
 * @param validatedMaxLength   longest evaluated length L such that every evaluated length up to L is
 *                             within tolerance; 0 when even the shortest is not
 * @param validatedMaxAbsTotal largest |sum| among the evaluation streams of those lengths
 * @param worstRelativeError   largest RMSE / std(sum) over those lengths
 */
public record SumValidRange(double tolerance, double inputLow, double inputHigh, int trainedMaxLength, int validatedMaxLength,
                            double validatedMaxAbsTotal, double worstRelativeError) {

    /** The provenance entry that holds it. */
    public static final String PROVENANCE_KEY = "valid_range";

    public SumValidRange {
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
        }
        if (validatedMaxLength < 0 || !(validatedMaxAbsTotal >= 0)) {
            throw new IllegalArgumentException("a validated range cannot be negative: length " + validatedMaxLength
                    + ", total " + validatedMaxAbsTotal);
        }
    }

    /**
     * Whether the running sum {@code total} after {@code length} numbers lies inside the validated
     * range. The total is the stream's exact running sum: the position the model's state stands for,
     * whatever the model makes of it.
     */
    public boolean covers(long length, double total) {
        return length <= validatedMaxLength && Math.abs(total) <= validatedMaxAbsTotal;
    }

    /** The fields as a model file's provenance records them. */
    public Map<String, Object> provenance() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tolerance_rmse_over_std", tolerance);
        m.put("input_range", List.of(inputLow, inputHigh)); // [low, high): the values trained on
        m.put("trained_max_length", trainedMaxLength);
        m.put("validated_max_length", validatedMaxLength);
        m.put("validated_max_abs_total", validatedMaxAbsTotal);
        m.put("worst_rmse_over_std", worstRelativeError);
        return m;
    }

    /**
     * The range a model's provenance records, or null when it records none: a model trained before
     * ranges were recorded, imported from PyTorch, or published by the training job (whose rounds
     * change the weights the range was measured on). A {@code valid_range} without the two bounds
     * a consumer checks, or with bounds that are not numbers, counts as none.
     */
    public static SumValidRange fromProvenance(Map<String, Object> provenance) {
        if (provenance == null || !(provenance.get(PROVENANCE_KEY) instanceof Map<?, ?> m)) {
            return null;
        }
        if (!(m.get("validated_max_length") instanceof Number length) || !(m.get("validated_max_abs_total") instanceof Number total)
                || length.doubleValue() < 0 || !(total.doubleValue() >= 0)) {
            return null;
        }
        double low = Double.NaN;
        double high = Double.NaN;
        if (m.get("input_range") instanceof List<?> r && r.size() == 2 && r.get(0) instanceof Number a && r.get(1) instanceof Number b) {
            low = a.doubleValue();
            high = b.doubleValue();
        }
        double tolerance = m.get("tolerance_rmse_over_std") instanceof Number t && t.doubleValue() > 0 ? t.doubleValue() : 0.01;
        int trained = m.get("trained_max_length") instanceof Number n ? n.intValue() : 0;
        double worst = m.get("worst_rmse_over_std") instanceof Number w ? w.doubleValue() : Double.NaN;
        return new SumValidRange(tolerance, low, high, trained, (int) Math.min(Integer.MAX_VALUE, length.longValue()), total.doubleValue(), worst);
    }
}
