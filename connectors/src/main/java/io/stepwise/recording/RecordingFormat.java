package io.stepwise.recording;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.wire.RawRecord;

/**
 * The recording format: JSON lines, one Kafka record per line, in the order the records were
 * recorded (by timestamp, then topic, partition and offset):
 * {@code {"topic":"tokens","partition":0,"offset":17,"timestamp":1764390000123,"key":"chat-7","value":{…}}}.
 * A value that is JSON is embedded as JSON; any other value is kept as a string, byte for byte, so
 * that a bad record replays as the same bad record.
 */
public final class RecordingFormat {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordingFormat() {
    }

    public static String write(RawRecord r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("topic", r.topic());
        o.put("partition", r.partition());
        o.put("offset", r.offset());
        o.put("timestamp", r.timestamp());
        if (r.key() == null) {
            o.putNull("key");
        } else {
            o.put("key", r.key());
        }
        JsonNode embedded = embeddable(r.value());
        if (embedded != null) {
            o.set("value", embedded);
        } else if (r.value() == null) {
            o.putNull("value");
        } else {
            o.put("value", r.value());
        }
        return o.toString();
    }

    /** The value as JSON when writing it back gives the same text, else null (kept as a string). */
    private static JsonNode embeddable(String value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(value);
            return n != null && (n.isObject() || n.isArray()) && n.toString().equals(value) ? n : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    public static RawRecord read(String line, String source) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not a recording line: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject() || !n.hasNonNull("topic") || !n.has("timestamp")) {
            throw new IllegalArgumentException(source + ": a recording line needs at least 'topic' and 'timestamp'");
        }
        JsonNode v = n.get("value");
        String value = v == null || v.isNull() ? null : v.isTextual() ? v.textValue() : v.toString();
        JsonNode k = n.get("key");
        return new RawRecord(n.get("topic").asText(), n.path("partition").asInt(0), n.path("offset").asLong(-1),
                n.get("timestamp").asLong(), k == null || k.isNull() ? null : k.asText(), value);
    }
}
