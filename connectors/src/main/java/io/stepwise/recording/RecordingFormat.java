package io.stepwise.recording;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.wire.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The recording format: JSON lines, one Kafka record per line, in the order the records were
 * recorded (by timestamp, then topic, partition and offset):
 * {@code {"topic":"tokens","partition":0,"offset":17,"timestamp":1764390000123,"key":"chat-7","value":{…}}}.
 * A value that is JSON is embedded as JSON; any other value is kept as a string, byte for byte, so
 * that a bad record replays as the same bad record; a value that is not UTF-8 is kept as its bytes,
 * {@code "value_base64":"…"}, and replays as the same undecodable record.
 */
public final class RecordingFormat {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads a line as one JSON value and nothing after it: a line with more is not a line this format wrote. */
    private static final ObjectReader LINE = JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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
        if (r.undecodable() != null) {
            o.put("value_base64", r.undecodable());
        } else if (embedded != null) {
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
            n = LINE.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not a recording line: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject() || !n.hasNonNull("topic") || !n.has("timestamp")) {
            throw new IllegalArgumentException(source + ": a recording line needs at least 'topic' and 'timestamp'");
        }
        if (!n.get("timestamp").canConvertToLong() || !n.get("timestamp").isIntegralNumber()) {
            // asLong() would read it as 0 and put the record first in time, against the recorded order
            throw new IllegalArgumentException(source + ": a recording line's 'timestamp' must be an integer (epoch milliseconds), got "
                    + n.get("timestamp"));
        }
        JsonNode k = n.get("key");
        String key = k == null || k.isNull() ? null : k.asText();
        if (n.hasNonNull("value_base64")) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(n.get("value_base64").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": 'value_base64' is not base64: " + e.getMessage());
            }
            return RawRecord.fromBytes(n.get("topic").asText(), n.path("partition").asInt(0), n.path("offset").asLong(-1),
                    n.get("timestamp").asLong(), key == null ? null : key.getBytes(StandardCharsets.UTF_8), bytes);
        }
        JsonNode v = n.get("value");
        String value = v == null || v.isNull() ? null : v.isTextual() ? v.textValue() : v.toString();
        return new RawRecord(n.get("topic").asText(), n.path("partition").asInt(0), n.path("offset").asLong(-1),
                n.get("timestamp").asLong(), key, value);
    }
}
