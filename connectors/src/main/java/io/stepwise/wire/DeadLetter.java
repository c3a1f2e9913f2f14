package io.stepwise.wire;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;

/**
 * A record that could not be used, with the reason and where it came from:
 * {@code {"error":"…","topic":"…","partition":0,"offset":123,"value":"…raw…"}}. A value that was not
 * UTF-8 also carries its exact bytes as {@code "value_base64"}, so nothing is lost to the decoding.
 *
 * <p>An oversized value is carried by its beginning only, the first {@link #MAX_VALUE_CHARS}
 * characters (bytes, for {@code value_base64}), marked {@code "value_truncated":true} with its full
 * {@code "value_length"} in characters: a dead letter must fit any sink (Kafka refuses records over
 * 1 MB by default), or the one bad record that was too large to use would fail the job that refused it.
 */
public record DeadLetter(String error, String topic, int partition, long offset, String value, String valueBase64) {

    /** The most of a value a dead letter carries: enough to see what was wrong, small enough for any sink. */
    public static final int MAX_VALUE_CHARS = 64 * 1024;

    public DeadLetter(String error, String topic, int partition, long offset, String value) {
        this(error, topic, partition, offset, value, null);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static DeadLetter of(RawRecord r, String error) {
        return new DeadLetter(error, r.topic(), r.partition(), r.offset(), r.value(), r.undecodable());
    }

    public static DeadLetter of(SourcedElement e, String error) {
        return new DeadLetter(error, e.topic(), e.partition(), e.offset(), e.raw());
    }

    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", error);
        o.put("topic", topic);
        o.put("partition", partition);
        o.put("offset", offset);
        boolean truncated = value != null && value.length() > MAX_VALUE_CHARS;
        o.put("value", truncated ? beginning(value) : value);
        if (valueBase64 != null) {
            byte[] bytes = Base64.getDecoder().decode(valueBase64);
            if (bytes.length > MAX_VALUE_CHARS) {
                truncated = true;
                o.put("value_base64", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, MAX_VALUE_CHARS)));
            } else {
                o.put("value_base64", valueBase64);
            }
        }
        if (truncated) {
            o.put("value_truncated", true);
            o.put("value_length", value.length());
        }
        return o.toString();
    }

    /** The first {@link #MAX_VALUE_CHARS} characters, without splitting a surrogate pair. */
    private static String beginning(String s) {
        int end = MAX_VALUE_CHARS;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    public KeyedJson keyed(String key) {
        return new KeyedJson(key, toJson());
    }
}
