package io.stepwise.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** The first checks of every incoming JSON record: present, not too long, one JSON object and nothing after it. */
final class JsonRecords {

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads whole records strictly: a field given twice is refused rather than the last one winning,
     * since what passes is served or trained on, and two values for one field mean the producer is wrong.
     */
    private static final ObjectMapper STRICT = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonRecords() {
    }

    /** {@code raw} read as a JSON object, or a clear reason why it is not one. */
    static JsonNode object(String raw, int maxChars) throws InvalidElementException {
        checkSize(raw, maxChars);
        JsonNode node;
        try (JsonParser p = STRICT.createParser(raw)) {
            node = STRICT.readTree(p);
            if (node != null && node.isObject() && trailing(p)) {
                throw new InvalidElementException("trailing characters after the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidElementException(notJson(e));
        } catch (IOException e) {
            throw new InvalidElementException("not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidElementException("not a JSON object: " + (node == null ? "nothing" : node.getNodeType()));
        }
        return node;
    }

    /** Whether anything but white space follows the value just read; what follows need not be JSON at all. */
    static boolean trailing(JsonParser p) {
        try {
            return p.nextToken() != null;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * A record is there, not too long to parse, and not blank. A null value (a Kafka tombstone) and an
     * empty one are told apart, since they come from different mistakes upstream.
     */
    static void checkSize(String raw, int maxChars) throws InvalidElementException {
        if (raw == null) {
            throw new InvalidElementException("empty record: the value is null (a tombstone)");
        }
        if (raw.length() > maxChars) {
            throw new InvalidElementException("record of " + raw.length() + " characters exceeds " + maxChars);
        }
        if (raw.isBlank()) {
            throw new InvalidElementException("empty record: the value is " + (raw.isEmpty() ? "empty" : "only white space"));
        }
    }

    /**
     * Why a record is not JSON, in the producer's terms: Jackson's message without its advice on
     * parser settings (which are ours, not the producer's to change).
     */
    static String notJson(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (e instanceof StreamConstraintsException && m.contains("nesting depth")) {
            return "JSON nested more than " + StreamReadConstraints.defaults().getMaxNestingDepth() + " levels deep, the limit";
        }
        if (m.startsWith("Duplicate field '")) {
            return m.substring("Duplicate field ".length()) + " is given twice";
        }
        if (m.startsWith("Non-standard token")) {
            // NaN, Infinity, -Infinity
            return "not JSON: " + m.replaceFirst(":.*", "") + ": NaN and Infinity are not JSON numbers";
        }
        return "not JSON: " + m.replaceAll(", from `StreamReadConstraints[^`]*`", "");
    }

    /** A field's JSON type and, for a scalar, its text (shortened), for messages about a wrong type. */
    static String describe(JsonParser p, JsonToken v) throws IOException {
        return switch (v) {
            case VALUE_STRING -> "STRING " + quoted(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "NUMBER " + shortened(p.getText());
            case VALUE_TRUE, VALUE_FALSE -> "BOOLEAN " + p.getText();
            case START_OBJECT -> "OBJECT";
            case START_ARRAY -> "ARRAY";
            default -> v.name();
        };
    }

    private static String quoted(String s) {
        return "\"" + shortened(s) + "\"";
    }

    private static String shortened(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
