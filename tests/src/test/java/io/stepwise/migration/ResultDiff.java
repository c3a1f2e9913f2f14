package io.stepwise.migration;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where one run's results differ from another's: a result missing or extra, or a field that
 * differs by more than float arithmetic may (the tag's probability within 1e-5, running sums within
 * 1e-5 relative). Every other field (tag, exact sum, ts, model, version, …) must be equal.
 */
final class ResultDiff {

    static final double P_TOLERANCE = 1e-5;
    static final double SUM_TOLERANCE = 1e-5;

    /** One difference, for the result of {@code key} (stream#seq); printed by failing assertions. */
    record Difference(String key, String what) {
        String stream() {
            return key.substring(0, key.lastIndexOf('#'));
        }

        @Override
        public String toString() {
            return key + " " + what;
        }
    }

    private ResultDiff() {
    }

    /** The differences of {@code actual} from {@code expected}, both by stream#seq; empty when the same. */
    static List<Difference> between(Map<String, JsonNode> expected, Map<String, JsonNode> actual) {
        List<Difference> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
            JsonNode a = actual.get(e.getKey());
            if (a == null) {
                out.add(new Difference(e.getKey(), "has no result, expected " + e.getValue()));
            } else {
                fields(e.getKey(), e.getValue(), a, out);
            }
        }
        for (Map.Entry<String, JsonNode> a : actual.entrySet()) {
            if (!expected.containsKey(a.getKey())) {
                out.add(new Difference(a.getKey(), "was not expected: " + a.getValue()));
            }
        }
        return out;
    }

    /** The streams with at least one difference. */
    static Set<String> streams(List<Difference> differences) {
        Set<String> out = new TreeSet<>();
        differences.forEach(d -> out.add(d.stream()));
        return out;
    }

    private static void fields(String key, JsonNode expected, JsonNode actual, List<Difference> out) {
        Set<String> names = new TreeSet<>();
        expected.fieldNames().forEachRemaining(names::add);
        actual.fieldNames().forEachRemaining(names::add);
        // a running sum's error is relative to its size; below 1, absolute
        double sumScale = Math.max(1, Math.abs(expected.path("sum").asDouble()));
        for (String name : names) {
            JsonNode x = expected.get(name);
            JsonNode y = actual.get(name);
            boolean same = switch (name) {
                case "p" -> close(x, y, P_TOLERANCE);
                case "sum", "diff" -> close(x, y, SUM_TOLERANCE * sumScale);
                default -> Objects.equals(x, y);
            };
            if (!same) {
                out.add(new Difference(key, name + " " + y + ", expected " + x));
            }
        }
    }

    private static boolean close(JsonNode x, JsonNode y, double tolerance) {
        return x != null && y != null && x.isNumber() && y.isNumber() && Math.abs(x.asDouble() - y.asDouble()) <= tolerance;
    }
}
