package io.stepwise.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The first checks of every incoming JSON record: present, not too long, a JSON object. */
final class JsonRecords {

    static final ObjectMapper JSON = new ObjectMapper();

    private JsonRecords() {
    }

    /** {@code raw} read as a JSON object, or a clear reason why it is not one. */
    static JsonNode object(String raw, int maxChars) throws InvalidElementException {
        checkSize(raw, maxChars);
        JsonNode node;
        try {
            node = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new InvalidElementException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidElementException("not a JSON object");
        }
        return node;
    }

    /** A record is there and not too long to parse. */
    static void checkSize(String raw, int maxChars) throws InvalidElementException {
        if (raw == null) {
            throw new InvalidElementException("empty record");
        }
        if (raw.length() > maxChars) {
            throw new InvalidElementException("record of " + raw.length() + " characters exceeds " + maxChars);
        }
    }
}
