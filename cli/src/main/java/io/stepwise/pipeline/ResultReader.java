package io.stepwise.pipeline;

import io.stepwise.kafka.KafkaClient;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The independent reader of a row's results: a {@code read_committed} consumer of the output topic,
 * as a downstream application would read it, on its own thread and outside the system under test.
 * Each result goes to the ledger (the exactly-one check); results of the pre-filled elements give
 * their append times to the {@link SteadyRate}; results of elements sent in the latency phase,
 * after its warm-up, give their latency: the time this reader got them minus the element's send
 * time ({@code ts}). A delayed tagger's latency is that of its tag at once, the first answer a
 * consumer can read; its final tag waits for the next words of the stream, which the load's pace
 * decides, and counts in the rate (one final tag per element).
 */
final class ResultReader implements AutoCloseable {

    /** The longest a fetch waits for data: short, so that a result is seen within ms of its commit. */
    static final int FETCH_MAX_WAIT_MS = 20;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ResultLedger ledger;
    private final SteadyRate steady = new SteadyRate();
    private final LatencyRecorder latency = new LatencyRecorder();
    private final LatencyRecorder written = new LatencyRecorder();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** Elements sent at or after this time (ms) belong to the latency phase. */
    private volatile long latencyPhaseFrom = Long.MAX_VALUE;
    /** Elements of the latency phase sent before this time are its warm-up. */
    private volatile long latencyCountFrom = Long.MAX_VALUE;

    ResultReader(KafkaClient kafka, String topic, ResultLedger ledger) {
        Properties p = kafka.clientProperties();
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("fetch.max.wait.ms", String.valueOf(FETCH_MAX_WAIT_MS));
        // a commit makes a whole checkpoint interval of results readable at once (100,000s at high
        // rates): fetch them in large batches, so that draining them adds little to their latency
        p.put("max.poll.records", "10000");
        p.put("max.partition.fetch.bytes", String.valueOf(8 << 20));
        p.put("fetch.max.bytes", String.valueOf(64 << 20));
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.ledger = ledger;
        // every partition from its beginning, without a consumer group to join
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        this.thread = new Thread(this::run, "bench-result-reader");
        thread.setDaemon(true);
        thread.start();
    }

    /** From now on, elements sent from {@code phaseStart} are latency samples, once {@code warmUp} has passed. */
    void latencyPhase(long phaseStart, Duration warmUp) {
        latencyCountFrom = phaseStart + warmUp.toMillis();
        latencyPhaseFrom = phaseStart;
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                long readAt = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    take(r, readAt);
                }
            }
        } catch (RuntimeException e) {
            failure.set(e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> r, long readAt) {
        ResultFields f = ResultFields.parse(r.value());
        if (f.end()) {
            return; // an end marker the Kafka copy copied: it asks no result
        }
        if (r.timestampType() != TimestampType.LOG_APPEND_TIME) {
            throw new IllegalStateException("the output topic " + r.topic() + " stamps records with " + r.timestampType()
                    + ", not LogAppendTime; the benchmark times results by their append times");
        }
        ledger.record(f.stream(), f.seq(), f.atOnce());
        // the rate counts final results; the latency times each element's first answer (its tag at once, if it has one)
        if (!f.atOnce() && f.ts() < latencyPhaseFrom) {
            steady.add(r.timestamp());
        } else if (f.atOnce() == ledger.tagsAtOnce() && f.ts() >= latencyCountFrom) {
            latency.add(readAt - f.ts());
            written.add(r.timestamp() - f.ts());
        }
    }

    /** Throws what stopped the reader, if anything did. */
    void checkAlive() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw new IllegalStateException("reading results failed: " + e.getMessage(), e);
        }
    }

    SteadyRate steady() {
        return steady;
    }

    /** Send time to read by this reader, ms. */
    LatencyRecorder latency() {
        return latency;
    }

    /** Send time to append to the output topic (broker time), ms. */
    LatencyRecorder written() {
        return written;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
