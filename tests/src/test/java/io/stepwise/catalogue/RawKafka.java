package io.stepwise.catalogue;

import io.stepwise.e2e.KafkaTopics;
import io.stepwise.kafka.KafkaClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Records as raw bytes onto a real broker, with the coordinates each one got; and whole topics read back. */
final class RawKafka {

    /** Large enough for the catalogue's 10 MB record, on the topic and in the producer. */
    static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    private RawKafka() {
    }

    /** Creates {@code topics} with {@code partitions} partitions each, accepting records up to {@link #MAX_RECORD_BYTES}. */
    static void createTopics(String bootstrap, int partitions, String... topics) throws Exception {
        try (Admin admin = Admin.create(KafkaClient.of(bootstrap).clientProperties())) {
            List<NewTopic> created = new ArrayList<>();
            for (String t : topics) {
                created.add(new NewTopic(t, partitions, (short) 1).configs(Map.of("max.message.bytes", String.valueOf(MAX_RECORD_BYTES))));
            }
            admin.createTopics(created).all().get();
        }
    }

    /** Sends {@code records} in order and returns where each one landed. */
    static List<RecordMetadata> send(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Properties p = KafkaClient.of(bootstrap).clientProperties();
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("max.request.size", String.valueOf(MAX_RECORD_BYTES));
        p.put("buffer.memory", String.valueOf(4L * MAX_RECORD_BYTES));
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                sent.add(producer.send(r));
            }
            producer.flush();
        }
        List<RecordMetadata> out = new ArrayList<>();
        for (Future<RecordMetadata> f : sent) {
            out.add(f.get());
        }
        return out;
    }

    /**
     * Everything committed to {@code topic} by a job that has finished: read until {@code expected}
     * records are there and a little longer, so that one too many would show, or for at most 15 s, so
     * that one too few shows in the checks that follow rather than as a timeout here.
     */
    static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic, int expected) throws Exception {
        try (KafkaTopics.Reader reader = new KafkaTopics.Reader(bootstrap, topic)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (reader.poll().size() < expected && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(300);
            return new ArrayList<>(reader.poll());
        }
    }
}
