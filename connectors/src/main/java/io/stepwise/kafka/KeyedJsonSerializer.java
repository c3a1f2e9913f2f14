package io.stepwise.kafka;

import io.stepwise.wire.KeyedJson;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes a {@link KeyedJson} to one topic: key = stream id (so a stream stays in one partition), value = JSON. */
final class KeyedJsonSerializer implements KafkaRecordSerializationSchema<KeyedJson> {

    private final String topic;

    KeyedJsonSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(KeyedJson r, KafkaSinkContext ctx, Long timestamp) {
        byte[] key = r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, timestamp, key, r.json().getBytes(StandardCharsets.UTF_8));
    }
}
