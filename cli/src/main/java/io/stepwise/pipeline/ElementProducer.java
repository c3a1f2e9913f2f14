package io.stepwise.pipeline;

import io.stepwise.kafka.KafkaClient;
import io.stepwise.kafka.KafkaConnectors;
import io.stepwise.wire.Element;
import io.stepwise.wire.ElementCodec;
import java.time.Duration;
import java.util.Properties;
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
        Properties p = KafkaConnectors.producerProperties(kafka);
        // one request in flight: a rejected first batch cannot be overtaken by the next ones, which on
        // Kafka 4 leaves an idempotent producer refused its retries (OUT_OF_ORDER_SEQUENCE_NUMBER);
        // large batches keep the filling fast all the same
        p.put("max.in.flight.requests.per.connection", "1");
        p.put("batch.size", String.valueOf(256 * 1024));
        p.put("linger.ms", "5");
        this.producer = new KafkaProducer<>(p);
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
     * Sends {@code perSecond} × {@code duration} elements, each when it is due: each millisecond, as
     * many as are due by then. A producer starved of CPU sends the overdue ones as soon as it runs
     * again, as a real one would. Returns the rate actually reached, which falls short when the
     * producer could not keep up.
     */
    double paced(double perSecond, Duration duration, LongConsumer progress) throws InterruptedException {
        long start = System.nanoTime();
        long first = elements;
        long total = (long) (perSecond * duration.toNanos() / 1e9);
        long end = start + duration.toNanos();
        long now;
        while ((now = System.nanoTime()) < end) {
            long due = first + Math.min(total, (long) ((now - start) / 1e9 * perSecond));
            while (elements < due) {
                sendNext();
            }
            progress.accept(elements - first);
            Thread.sleep(1);
        }
        while (elements < first + total) {
            sendNext();
        }
        flush();
        return total / (Math.max(System.nanoTime() - start, duration.toNanos()) / 1e9);
    }

    /** Ends every sentence begun (see {@link ElementGenerator#endOpenSentences}) and waits until Kafka has them. */
    void endOpenSentences() {
        for (Element e : generator.endOpenSentences(System.currentTimeMillis())) {
            send(e);
        }
        flush();
    }

    private void sendNext() {
        send(generator.next(System.currentTimeMillis()));
    }

    private void send(Element e) {
        long ts = e.ts();
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
