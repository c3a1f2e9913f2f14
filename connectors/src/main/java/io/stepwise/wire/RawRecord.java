package io.stepwise.wire;

/**
 * A record as it came off a topic (or out of a recording): where it came from and its raw value,
 * kept until parsed so that a bad one can go to the dead-letter output with its coordinates.
 */
public record RawRecord(String topic, int partition, long offset, long timestamp, String key, String value) {
}
