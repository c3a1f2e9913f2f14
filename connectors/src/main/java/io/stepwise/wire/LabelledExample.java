package io.stepwise.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.model.ModelKind;
import io.stepwise.train.SumSequence;
import io.stepwise.train.TaggedSentence;
import java.util.Arrays;

/**
 * A labelled example on the training job's input topic, JSON:
 * {@code {"tokens":["The","dog"],"tags":["DET","NOUN"]}} for a tagger, {@code {"values":[3,-5,7]}}
 * for a sum model, whose targets are the running sums unless {@code "targets"} gives them.
 *
 * <p>Parsing is as strict as for elements, since whatever passes is trained on: wrong types,
 * mismatched lengths, empty or oversized sequences, and non-finite or absurd numbers are rejected
 * with a reason. Other fields are ignored. Arrays rather than lists, so that Flink serializes an
 * example as a POJO.
 */
public record LabelledExample(String[] tokens, String[] tags, double[] values, double[] targets) {

    /** Longest sequence accepted: a training round pads a batch to its longest member. */
    public static final int MAX_LENGTH = 1000;
    /** Longest raw record accepted before parsing. */
    public static final int MAX_RECORD_CHARS = 256 * 1024;

    private static final ObjectMapper JSON = JsonRecords.JSON;

    public static LabelledExample tagged(String[] tokens, String[] tags) {
        return new LabelledExample(tokens.clone(), tags.clone(), null, null);
    }

    public static LabelledExample sums(double[] values, double[] targets) {
        return new LabelledExample(null, null, values.clone(), targets == null ? null : targets.clone());
    }

    public static LabelledExample parse(String raw) throws InvalidElementException {
        JsonNode node = JsonRecords.object(raw, MAX_RECORD_CHARS);
        boolean hasTokens = present(node, "tokens");
        boolean hasValues = present(node, "values");
        if (hasTokens == hasValues) {
            throw new InvalidElementException(hasTokens ? "an example has 'tokens' or 'values', not both"
                    : "an example needs 'tokens' with 'tags' (tagger) or 'values' (sum)");
        }
        if (hasTokens) {
            String[] tokens = strings(node, "tokens", Integer.MAX_VALUE);
            if (!present(node, "tags")) {
                throw new InvalidElementException("a tagger example needs 'tags', one per token");
            }
            String[] tags = strings(node, "tags", MAX_TAG_CHARS);
            sameLength("tokens", tokens.length, "tags", tags.length);
            return new LabelledExample(tokens, tags, null, null);
        }
        double[] values = numbers(node, "values", ElementCodec.MAX_ABS_VALUE);
        double[] targets = null;
        if (present(node, "targets")) {
            // a running sum of MAX_LENGTH values may reach MAX_LENGTH times the largest value
            targets = numbers(node, "targets", ElementCodec.MAX_ABS_VALUE * MAX_LENGTH);
            sameLength("values", values.length, "targets", targets.length);
        }
        return new LabelledExample(null, null, values, targets);
    }

    /** The kind of model this example trains. */
    public ModelKind kind() {
        return tokens != null ? ModelKind.TAGGER : ModelKind.SUM;
    }

    public int length() {
        return tokens != null ? tokens.length : values.length;
    }

    public TaggedSentence taggedSentence() {
        if (tokens == null) {
            throw new IllegalStateException("a sum example has no tokens");
        }
        return new TaggedSentence(Arrays.asList(tokens), Arrays.asList(tags));
    }

    public SumSequence sumSequence() {
        if (values == null) {
            throw new IllegalStateException("a tagger example has no values");
        }
        return targets == null ? SumSequence.runningSums(values) : new SumSequence(values, targets);
    }

    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        if (tokens != null) {
            ArrayNode t = o.putArray("tokens");
            Arrays.stream(tokens).forEach(t::add);
            ArrayNode g = o.putArray("tags");
            Arrays.stream(tags).forEach(g::add);
        } else {
            ArrayNode v = o.putArray("values");
            Arrays.stream(values).forEach(v::add);
            if (targets != null) {
                ArrayNode t = o.putArray("targets");
                Arrays.stream(targets).forEach(t::add);
            }
        }
        return o.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelledExample e && Arrays.equals(tokens, e.tokens) && Arrays.equals(tags, e.tags)
                && Arrays.equals(values, e.values) && Arrays.equals(targets, e.targets);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.hashCode(tokens) + Arrays.hashCode(tags)) + Arrays.hashCode(values)) + Arrays.hashCode(targets);
    }

    @Override
    public String toString() {
        return toJson();
    }

    private static boolean present(JsonNode node, String field) {
        JsonNode n = node.get(field);
        return n != null && !n.isNull();
    }

    private static JsonNode array(JsonNode node, String field) throws InvalidElementException {
        JsonNode a = node.get(field);
        if (!a.isArray()) {
            throw new InvalidElementException("'" + field + "' must be an array, got " + a.getNodeType());
        }
        if (a.isEmpty()) {
            throw new InvalidElementException("'" + field + "' is empty");
        }
        if (a.size() > MAX_LENGTH) {
            throw new InvalidElementException("'" + field + "' has " + a.size() + " entries, more than " + MAX_LENGTH);
        }
        return a;
    }

    /** Longest tag accepted: tag sets are small and their names short. Words have no limit of their own. */
    public static final int MAX_TAG_CHARS = 64;

    private static String[] strings(JsonNode node, String field, int maxChars) throws InvalidElementException {
        JsonNode a = array(node, field);
        String[] out = new String[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode s = a.get(i);
            if (!s.isTextual() || s.textValue().isEmpty()) {
                throw new InvalidElementException("'" + field + "'[" + i + "] must be a non-empty string, got " + s);
            }
            if (s.textValue().length() > maxChars) {
                throw new InvalidElementException("'" + field + "'[" + i + "] of " + s.textValue().length()
                        + " characters exceeds " + maxChars);
            }
            out[i] = s.textValue();
        }
        return out;
    }

    private static double[] numbers(JsonNode node, String field, double maxAbs) throws InvalidElementException {
        JsonNode a = array(node, field);
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode n = a.get(i);
            if (!n.isNumber()) {
                throw new InvalidElementException("'" + field + "'[" + i + "] must be a number, got " + n);
            }
            double v = n.doubleValue();
            if (!Double.isFinite(v) || Math.abs(v) > maxAbs) {
                throw new InvalidElementException("'" + field + "'[" + i + "] " + v + " is not a finite number within +-" + maxAbs);
            }
            out[i] = v;
        }
        return out;
    }

    private static void sameLength(String a, int na, String b, int nb) throws InvalidElementException {
        if (na != nb) {
            throw new InvalidElementException(na + " " + a + " but " + nb + " " + b + ": one each, position by position");
        }
    }
}
