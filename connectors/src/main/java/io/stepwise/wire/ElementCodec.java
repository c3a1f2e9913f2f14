package io.stepwise.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads and writes elements in wire format v1 (README, "Wire format"):
 * {@code {"stream":"chat-7","seq":12,"ts":1764390000000,"token":"dog"}},
 * {@code {"stream":"meter-3","seq":5,"value":-42.0}}, {@code {"stream":"chat-7","seq":13,"end":true}}.
 *
 * <p>Parsing is strict about the fields it uses, because whatever passes goes into a model's
 * state: a record that is not JSON, lacks a stream, has neither token nor value, carries a
 * non-finite or absurd value, an oversized field or a field of the wrong type is rejected with a
 * reason. Other fields are ignored, so producers may add their own metadata.
 */
public final class ElementCodec {

    /** Longest stream id or token accepted; longer ones are almost surely not words. */
    public static final int MAX_FIELD_CHARS = 256;
    /** Largest magnitude of a value accepted; beyond it a sum is meaningless in float32 anyway. */
    public static final double MAX_ABS_VALUE = 1e9;
    /** Longest raw record accepted before parsing. */
    public static final int MAX_RECORD_CHARS = 4096;

    private static final ObjectMapper JSON = JsonRecords.JSON;

    private ElementCodec() {
    }

    public static Element parse(String raw) throws InvalidElementException {
        JsonNode node = JsonRecords.object(raw, MAX_RECORD_CHARS);
        String stream = text(node, "stream", true);
        Long seq = integer(node, "seq");
        Long ts = integer(node, "ts");
        JsonNode end = node.get("end");
        boolean isEnd = false;
        if (end != null && !end.isNull()) {
            if (!end.isBoolean()) {
                throw new InvalidElementException("'end' must be true or false, got " + end.getNodeType());
            }
            isEnd = end.booleanValue();
        }
        String token = text(node, "token", false);
        Double value = number(node);
        if (isEnd) {
            if (token != null || value != null) {
                throw new InvalidElementException("an end marker carries neither token nor value");
            }
            return Element.endOf(stream, seq, ts);
        }
        if (token != null && value != null) {
            throw new InvalidElementException("an element has a token or a value, not both");
        }
        if (token == null && value == null) {
            throw new InvalidElementException("an element needs a 'token' or a 'value' (or \"end\":true)");
        }
        return new Element(stream, seq, ts, token, value, false);
    }

    private static String text(JsonNode node, String field, boolean required) throws InvalidElementException {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new InvalidElementException("missing '" + field + "'");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new InvalidElementException("'" + field + "' must be a string, got " + n.getNodeType());
        }
        String s = n.textValue();
        if (s.isEmpty()) {
            throw new InvalidElementException("'" + field + "' is empty");
        }
        if (s.length() > MAX_FIELD_CHARS) {
            throw new InvalidElementException("'" + field + "' of " + s.length() + " characters exceeds " + MAX_FIELD_CHARS);
        }
        return s;
    }

    private static Long integer(JsonNode node, String field) throws InvalidElementException {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new InvalidElementException("'" + field + "' must be an integer, got " + n);
        }
        long v = n.longValue();
        if (v < 0) {
            throw new InvalidElementException("'" + field + "' must not be negative, got " + v);
        }
        return v;
    }

    private static Double number(JsonNode node) throws InvalidElementException {
        JsonNode n = node.get("value");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw new InvalidElementException("'value' must be a number, got " + n.getNodeType());
        }
        double v = n.doubleValue();
        if (!Double.isFinite(v)) {
            throw new InvalidElementException("'value' is not finite");
        }
        if (Math.abs(v) > MAX_ABS_VALUE) {
            throw new InvalidElementException("'value' " + v + " is beyond +-" + MAX_ABS_VALUE);
        }
        return v;
    }

    public static String write(Element e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("stream", e.stream());
        if (e.seq() != null) {
            o.put("seq", e.seq());
        }
        if (e.ts() != null) {
            o.put("ts", e.ts());
        }
        if (e.end()) {
            o.put("end", true);
        } else if (e.token() != null) {
            o.put("token", e.token());
        } else {
            o.put("value", e.value());
        }
        return o.toString();
    }
}
