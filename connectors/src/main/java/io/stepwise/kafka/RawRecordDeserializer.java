package io.stepwise.kafka;

import io.stepwise.wire.RawRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Keeps each Kafka record whole (coordinates, timestamp, key, value as text), so that parsing
 * happens in the job, where a bad record can be dead-lettered with where it came from.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<RawRecord> out) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        String value = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
        out.collect(new RawRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), key, value));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
