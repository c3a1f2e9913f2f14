package io.stepwise.pipeline;

import io.stepwise.kafka.KafkaClient;
import io.stepwise.kafka.KafkaConnectors;
import io.stepwise.wire.Element;
import io.stepwise.wire.ElementCodec;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends the generator's elements to the input topic: all at once to pre-fill it, or at a fixed
 * pace for the latency phase. Each element carries its send time twice, as the record's Kafka
 * timestamp and as {@code ts} (equal, so that a copied record still says when it was sent), and is
 * entered in the ledger before it goes. End markers are sent too but expect no result.
 */
final class ElementProducer implements AutoCloseable {

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final ElementGenerator generator;
    private final ResultLedger ledger;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private long elements;
    private long endMarkers;

    ElementProducer(KafkaClient kafka, String topic, ElementGenerator generator, ResultLedger ledger) {
        this.producer = new KafkaProducer<>(KafkaConnectors.producerProperties(kafka));
        this.topic = topic;
        producer.partitionsFor(topic); // the topic's metadata before the first send, which then never goes to a stale leader
        this.generator = generator;
        this.ledger = ledger;
    }

    /** Sends {@code n} elements that expect a result (and the end markers between them) as fast as Kafka takes them. */
    void fill(long n, LongConsumer progress) {
        long target = elements + n;
        while (elements < target) {
            sendNext();
            if ((elements & 1023) == 0) {
                progress.accept(elements);
            }
        }
        flush();
    }

    /**
     * Sends elements at {@code perSecond} for {@code duration}: each millisecond, as many as are due
     * by then. Returns the rate actually sent, which falls short when the producer cannot keep up.
     */
    double paced(double perSecond, Duration duration, LongConsumer progress) throws InterruptedException {
        long start = System.nanoTime();
        long first = elements;
        long end = start + duration.toNanos();
        long now;
        while ((now = System.nanoTime()) < end) {
            long due = first + (long) ((now - start) / 1e9 * perSecond);
            while (elements < due) {
                sendNext();
            }
            progress.accept(elements - first);
            Thread.sleep(1);
        }
        flush();
        return (elements - first) / (duration.toNanos() / 1e9);
    }

    private void sendNext() {
        long ts = System.currentTimeMillis();
        Element e = generator.next(ts);
        if (e.end()) {
            endMarkers++;
        } else {
            ledger.expect(e.stream(), e.seq());
            elements++;
        }
        producer.send(new ProducerRecord<>(topic, null, ts, e.stream(), ElementCodec.write(e)), (meta, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
    }

    private void flush() {
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("sending elements to " + topic + " failed: " + failure.get().getMessage(), failure.get());
        }
    }

    /** Elements sent that expect a result. */
    long elements() {
        return elements;
    }

    long endMarkers() {
        return endMarkers;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
