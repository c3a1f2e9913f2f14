package io.stepwise.wire;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A record that could not be used, with the reason and where it came from:
 * {@code {"error":"…","topic":"…","partition":0,"offset":123,"value":"…raw…"}}. A value that was not
 * UTF-8 also carries its exact bytes as {@code "value_base64"}, so nothing is lost to the decoding.
 */
public record DeadLetter(String error, String topic, int partition, long offset, String value, String valueBase64) {

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
        o.put("value", value);
        if (valueBase64 != null) {
            o.put("value_base64", valueBase64);
        }
        return o.toString();
    }

    public KeyedJson keyed(String key) {
        return new KeyedJson(key, toJson());
    }
}
