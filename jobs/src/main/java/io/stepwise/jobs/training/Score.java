package io.stepwise.jobs.training;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a model did on the held-out examples: the figure that decides ({@code metric}, e.g. accuracy
 * or rmse, and which way is better) and the figures that go with it, as they appear in a version's
 * provenance and announcement.
 */
public record Score(String metric, double value, boolean higherIsBetter, Map<String, Object> figures) {

    public Score {
        figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    }

    /** Strictly better: a version that only ties the serving one is not worth a swap. */
    public boolean beats(Score other) {
        if (!metric.equals(other.metric)) {
            throw new IllegalArgumentException("cannot compare " + metric + " with " + other.metric);
        }
        return higherIsBetter ? value > other.value : value < other.value;
    }
}
