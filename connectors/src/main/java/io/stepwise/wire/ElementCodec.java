package io.stepwise.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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

    /**
     * Longest stream id accepted. A token has no limit of its own (a URL is a word too, and a tagger
     * tags it); the record-size limit guards memory for both.
     */
    public static final int MAX_STREAM_CHARS = 256;
    /** Largest magnitude of a value accepted; beyond it a sum is meaningless in float32 anyway. */
    public static final double MAX_ABS_VALUE = 1e9;
    /** Longest raw record accepted before parsing. */
    public static final int MAX_RECORD_CHARS = 16_384;

    private static final ObjectMapper JSON = JsonRecords.JSON;
    private static final JsonFactory FACTORY = JSON.getFactory();

    private ElementCodec() {
    }

    /**
     * The element in {@code raw}, read field by field without building a tree (every element of
     * every stream passes here); anything after the object, even a stray brace, refuses it.
     */
    public static Element parse(String raw) throws InvalidElementException {
        JsonRecords.checkSize(raw, MAX_RECORD_CHARS);
        String stream = null;
        String token = null;
        Long seq = null;
        Long ts = null;
        Double value = null;
        boolean end = false;
        try (JsonParser p = FACTORY.createParser(raw)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new InvalidElementException("not a JSON object: " + JsonRecords.describe(p, first));
            }
            java.util.Set<String> seen = new java.util.HashSet<>(8);
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (!seen.add(field)) {
                    throw new InvalidElementException("'" + field + "' is given twice");
                }
                switch (field) {
                    case "stream" -> stream = text(p, v, field);
                    case "token" -> token = text(p, v, field);
                    case "seq" -> seq = integer(p, v, field);
                    case "ts" -> ts = integer(p, v, field);
                    case "value" -> value = number(p, v);
                    case "end" -> end = flag(p, v);
                    default -> p.skipChildren(); // producers may add their own fields
                }
            }
            if (JsonRecords.trailing(p)) {
                throw new InvalidElementException("trailing characters after the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidElementException(JsonRecords.notJson(e));
        } catch (java.io.IOException e) {
            throw new InvalidElementException("not JSON: " + e.getMessage());
        }
        if (stream == null) {
            throw new InvalidElementException("missing 'stream'");
        }
        if (stream.isBlank()) {
            // a stream id of white space alone is a producer's bug (an unset variable, padding), not a stream
            throw new InvalidElementException("'stream' is only white space");
        }
        if (stream.length() > MAX_STREAM_CHARS) {
            throw new InvalidElementException("'stream' of " + stream.length() + " characters exceeds " + MAX_STREAM_CHARS);
        }
        if (end) {
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

    /** A string field: null when JSON null, refused when of another type or empty. */
    private static String text(JsonParser p, JsonToken v, String field) throws java.io.IOException, InvalidElementException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.VALUE_STRING) {
            String got = JsonRecords.describe(p, v);
            p.skipChildren();
            throw new InvalidElementException("'" + field + "' must be a string, got " + got);
        }
        String s = p.getText();
        if (s.isEmpty()) {
            throw new InvalidElementException("'" + field + "' is empty");
        }
        return s;
    }

    private static Long integer(JsonParser p, JsonToken v, String field) throws java.io.IOException, InvalidElementException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.VALUE_NUMBER_INT) {
            String got = JsonRecords.describe(p, v);
            p.skipChildren();
            throw new InvalidElementException("'" + field + "' must be an integer, got " + got);
        }
        if (p.getText().startsWith("-")) {
            throw new InvalidElementException("'" + field + "' must not be negative, got " + p.getText());
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new InvalidElementException("'" + field + "' " + p.getText() + " is larger than " + Long.MAX_VALUE
                    + ", the largest accepted");
        }
        return p.getLongValue();
    }

    private static Double number(JsonParser p, JsonToken v) throws java.io.IOException, InvalidElementException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
            String got = JsonRecords.describe(p, v);
            p.skipChildren();
            throw new InvalidElementException("'value' must be a number, got " + got);
        }
        double d = p.getDoubleValue();
        if (!Double.isFinite(d)) {
            // a literal such as 1e309 that is beyond any double
            throw new InvalidElementException("'value' " + p.getText() + " is not finite as a double");
        }
        if (Math.abs(d) > MAX_ABS_VALUE) {
            throw new InvalidElementException("'value' " + d + " is beyond +-" + MAX_ABS_VALUE);
        }
        return d;
    }

    private static boolean flag(JsonParser p, JsonToken v) throws java.io.IOException, InvalidElementException {
        if (v == JsonToken.VALUE_NULL || v == JsonToken.VALUE_FALSE) {
            return false;
        }
        if (v != JsonToken.VALUE_TRUE) {
            String got = JsonRecords.describe(p, v);
            p.skipChildren();
            throw new InvalidElementException("'end' must be true or false, got " + got);
        }
        return true;
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
