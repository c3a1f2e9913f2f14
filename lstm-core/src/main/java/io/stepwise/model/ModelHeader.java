package io.stepwise.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A model file's JSON header as the model kinds read it: typed fields, each missing or misshaped one
 * refused with a message that names the file ({@code model file <source>: header has no ...}).
 */
final class ModelHeader {

    private final JsonNode root;
    private final String source;

    ModelHeader(JsonNode root, String source) {
        this.root = root;
        this.source = source;
    }

    JsonNode root() {
        return root;
    }

    /** The sub-object {@code field} of the header, as a header of its own. */
    ModelHeader object(String field) {
        return new ModelHeader(objectNode(root, field), source);
    }

    boolean has(String field) {
        JsonNode v = root.get(field);
        return v != null && !v.isNull();
    }

    String text(String field) {
        JsonNode v = root.get(field);
        if (v == null || !v.isTextual()) {
            throw error("header has no '" + field + "' string");
        }
        return v.asText();
    }

    /** The text of {@code field}, or null when it is absent or JSON null. */
    String textOrNull(String field) {
        JsonNode v = root.get(field);
        return v == null || v.isNull() ? null : text(field);
    }

    int integer(String field) {
        JsonNode v = root.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw error("header has no '" + field + "' integer");
        }
        return v.asInt();
    }

    /** The integer {@code field}, or {@code fallback} when the header (an older file) has none. */
    int integer(String field, int fallback) {
        return has(field) ? integer(field) : fallback;
    }

    double number(String field) {
        JsonNode v = root.get(field);
        if (v == null || !v.isNumber()) {
            throw error("header has no '" + field + "' number");
        }
        return v.asDouble();
    }

    List<String> strings(String field) {
        JsonNode v = root.get(field);
        if (v == null || !v.isArray()) {
            throw error("header has no '" + field + "' list");
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode s : v) {
            if (!s.isTextual()) {
                throw error("'" + field + "' holds a non-string entry " + s);
            }
            out.add(s.asText());
        }
        return out;
    }

    int[] ints(String field) {
        JsonNode v = root.get(field);
        if (v == null || !v.isArray()) {
            throw error("header has no '" + field + "' list");
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i).asInt(-1);
        }
        return out;
    }

    private JsonNode objectNode(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isObject()) {
            throw error("header has no '" + field + "' object");
        }
        return v;
    }

    String prefix() {
        return "model file " + source + ": ";
    }

    IllegalArgumentException error(String message) {
        return new IllegalArgumentException(prefix() + message);
    }
}
