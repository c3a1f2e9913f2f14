package io.stepwise.e2e;

import io.stepwise.kafka.KafkaClient;
import io.stepwise.kafka.KafkaConnectors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Producing to and reading from a real broker in tests: plain Kafka clients, nothing mocked. */
final class KafkaTopics {

    private KafkaTopics() {
    }

    /** Sends {@code (key, value)} pairs in order and waits until the broker acknowledged all of them. */
    static void produce(String bootstrap, String topic, List<String[]> keyValues) {
        produce(KafkaClient.of(bootstrap), topic, keyValues);
    }

    /** {@link #produce(String, String, List)} on a cluster that needs client properties (security). */
    static void produce(KafkaClient kafka, String topic, List<String[]> keyValues) {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(KafkaConnectors.producerProperties(kafka))) {
            for (String[] kv : keyValues) {
                p.send(new ProducerRecord<>(topic, kv[0], kv[1]));
            }
            p.flush();
        }
    }

    /** A {@code read_committed} reader of one topic from its beginning, as a downstream consumer would read results. */
    static final class Reader implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

        Reader(String bootstrap, String topic) {
            this(KafkaClient.of(bootstrap), topic);
        }

        Reader(KafkaClient kafka, String topic) {
            consumer = new KafkaConsumer<>(KafkaConnectors.committedReaderProperties(kafka, "test-reader-" + UUID.randomUUID()));
            consumer.subscribe(List.of(topic));
        }

        /** Everything read so far, polling once more first. */
        List<ConsumerRecord<String, String>> poll() {
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            return seen;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
