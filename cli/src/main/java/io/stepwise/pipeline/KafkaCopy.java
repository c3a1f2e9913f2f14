package io.stepwise.pipeline;

import io.stepwise.kafka.KafkaClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Row a, the physical ceiling: the same records copied from the input to the output topic by plain
 * Kafka clients, one consumer → producer loop per unit of parallelism (each owning its share of the
 * partitions), with no parsing, state or model. Exactly-once, each loop writes in a transaction
 * that it commits, with the consumed offsets, at the job's checkpoint interval, as the job's
 * transactional sink commits with its checkpoints; at-least-once it writes as it reads and commits
 * offsets at the same interval.
 */
final class KafkaCopy implements SystemUnderTest {

    private final KafkaClient kafka;
    private final String input;
    private final String output;
    private final int loops;
    private final Duration commitInterval;
    private final Delivery delivery;
    private final String id;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean running = true;

    KafkaCopy(KafkaClient kafka, String input, String output, int loops, Duration commitInterval, Delivery delivery, String id) {
        this.kafka = kafka;
        this.input = input;
        this.output = output;
        this.loops = loops;
        this.commitInterval = commitInterval;
        this.delivery = delivery;
        this.id = id;
    }

    @Override
    public void start() {
        for (int i = 0; i < loops; i++) {
            int loop = i;
            Thread t = new Thread(() -> {
                try {
                    copy(loop);
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-kafka-copy-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void copy(int loop) {
        boolean transactional = delivery == Delivery.EXACTLY_ONCE;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(loop, transactional))) {
            List<TopicPartition> mine = new ArrayList<>();
            consumer.partitionsFor(input, Duration.ofSeconds(30)).forEach(p -> {
                if (p.partition() % loops == loop) {
                    mine.add(new TopicPartition(input, p.partition()));
                }
            });
            consumer.assign(mine);
            if (transactional) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            long nextCommit = System.nanoTime() + commitInterval.toNanos();
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    producer.send(new ProducerRecord<>(output, r.key(), r.value()));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                if (System.nanoTime() >= nextCommit) {
                    if (transactional) {
                        producer.sendOffsetsToTransaction(offsets, new ConsumerGroupMetadata(id));
                        producer.commitTransaction();
                        producer.beginTransaction();
                    } else {
                        producer.flush();
                        consumer.commitSync(offsets);
                    }
                    offsets.clear();
                    nextCommit += commitInterval.toNanos();
                }
            }
            if (transactional) {
                producer.abortTransaction();
            }
        }
    }

    private Properties consumerProperties() {
        Properties p = kafka.clientProperties();
        p.put("group.id", id);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "earliest");
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        return p;
    }

    private Properties producerProperties(int loop, boolean transactional) {
        Properties p = kafka.clientProperties();
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        if (transactional) {
            p.put("transactional.id", id + "-" + loop);
        }
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        return p;
    }

    @Override
    public void checkAlive() throws Exception {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("the Kafka copy failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        for (Thread t : threads) {
            t.join(30_000);
        }
    }
}
