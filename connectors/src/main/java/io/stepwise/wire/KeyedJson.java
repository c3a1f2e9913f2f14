package io.stepwise.wire;

/** An outgoing record: the Kafka key (the stream id, or the model name) and its JSON value. */
public record KeyedJson(String key, String json) {
}
