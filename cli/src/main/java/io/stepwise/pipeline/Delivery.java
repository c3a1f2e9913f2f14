package io.stepwise.pipeline;

import java.util.ArrayList;
import java.util.List;

/** How results are written: in Kafka transactions that commit with each checkpoint, or as they come. */
public enum Delivery {
    EXACTLY_ONCE("exactly-once"), AT_LEAST_ONCE("at-least-once");

    private final String label;

    Delivery(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** A comma-separated list of labels, e.g. {@code exactly-once,at-least-once}. */
    public static List<Delivery> parseList(String text) {
        List<Delivery> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            Delivery d = null;
            for (Delivery candidate : values()) {
                if (candidate.label.equals(p)) {
                    d = candidate;
                }
            }
            if (d == null) {
                throw new IllegalArgumentException("--delivery takes exactly-once and/or at-least-once, got '" + p + "'");
            }
            if (!out.contains(d)) {
                out.add(d);
            }
        }
        return out;
    }
}
