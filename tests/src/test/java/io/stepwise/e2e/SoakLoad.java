package io.stepwise.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.kafka.KafkaClient;
import io.stepwise.kafka.KafkaConnectors;
import io.stepwise.wire.Element;
import io.stepwise.wire.ElementCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The soak test's stream churn and its ledger. A producer thread starts {@code streamsPerSecond}
 * new streams every second, each with a fresh id ({@code s-N}): 2 to 10 numbers 0.1 to 0.9 s apart,
 * then, for one stream in five, an end marker; the other four are abandoned and left to the job's
 * idle timeout. Beside them {@code steady} streams ({@code steady-K}) send a number every second
 * for the whole run. Every value, count and gap follows from the seed, the stream and the seq, so
 * the ledger checks each result's value without keeping what was sent.
 *
 * <p>A consumer thread reads the results {@code read_committed} as they are committed and checks
 * on the way that each stream's results come as seq 1, 2, 3, … once each (a stream's results share
 * a partition, so a doubled or lost result shows as a seq out of turn). At the end, {@link #missing}
 * compares what came back with what was sent, stream by stream.
 */
final class SoakLoad implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MIN_ELEMENTS = 2;
    private static final int MAX_ELEMENTS = 10;
    private static final int MIN_GAP_MS = 100;
    private static final int MAX_GAP_MS = 900;
    /** The longest a churned stream sends: its first element to its end marker. */
    static final Duration LONGEST_STREAM = Duration.ofMillis((long) MAX_ELEMENTS * MAX_GAP_MS);

    private final String bootstrap;
    private final String topic;
    private final double streamsPerSecond;
    private final int steady;
    private final long seed;
    private final int capacity;
    // written by the producer thread only; read after it has stopped
    private final int[] sent;
    private final int[] steadySent;
    // written by the consumer thread only; read after it has stopped
    private final int[] seen;
    private final int[] steadySeen;
    private final TreeMap<Integer, Long> resultsByVersion = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();

    private final long idleNanos;
    private final AtomicLong streamsStarted = new AtomicLong();
    private final AtomicLong liveStreams = new AtomicLong();
    private final AtomicLong elementsSent = new AtomicLong();
    private final AtomicLong endsSent = new AtomicLong();
    private final AtomicLong resultsRead = new AtomicLong();
    private final AtomicLong resultsInTurn = new AtomicLong();
    private final AtomicLong violationCount = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean producing = true;
    private volatile boolean consuming = true;
    private final Thread producer;
    private final Thread consumer;

    /**
     * Starts producing to {@code topic} and reading {@code resultTopic}; {@code capacity} bounds the
     * churned streams (the producer starts no more).
     */
    SoakLoad(String bootstrap, String topic, String resultTopic, double streamsPerSecond, int steady, long seed, int capacity,
             Duration idleTimeout) {
        this.bootstrap = bootstrap;
        this.idleNanos = idleTimeout.toNanos();
        this.topic = topic;
        this.streamsPerSecond = streamsPerSecond;
        this.steady = steady;
        this.seed = seed;
        this.capacity = capacity;
        this.sent = new int[capacity];
        this.steadySent = new int[steady];
        this.seen = new int[capacity];
        this.steadySeen = new int[steady];
        consumer = new Thread(() -> guard(() -> consume(resultTopic)), "soak-results");
        producer = new Thread(() -> guard(this::produce), "soak-load");
        consumer.start();
        producer.start();
    }

    // ---- what a stream sends, from the seed ------------------------------------------------------

    /** A well-mixed 64-bit hash of the seed, a stream slot and a position (SplitMix64's finaliser). */
    private long mix(long slot, long position) {
        long z = seed * 0x9E3779B97F4A7C15L + slot * 0xBF58476D1CE4E5B9L + position * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private int elementsOf(int stream) {
        return MIN_ELEMENTS + (int) Math.floorMod(mix(stream, -1), MAX_ELEMENTS - MIN_ELEMENTS + 1);
    }

    private boolean ends(int stream) {
        return Math.floorMod(mix(stream, -2), 5) == 0;
    }

    private long gapMs(long slot, long seq) {
        return MIN_GAP_MS + Math.floorMod(mix(slot, -3 - seq), MAX_GAP_MS - MIN_GAP_MS + 1);
    }

    /** The value element {@code seq} of the stream in {@code slot} carries (steady streams have negative slots). */
    int value(long slot, long seq) {
        return (int) Math.floorMod(mix(slot, seq), 201) - 100;
    }

    private static long steadySlot(int k) {
        return -1L - k;
    }

    private static String id(long slot) {
        return slot >= 0 ? "s-" + slot : "steady-" + (-1 - slot);
    }

    /** The slot of a stream id, or null for one this load never sent. */
    private static Long slotOf(String stream) {
        try {
            if (stream.startsWith("s-")) {
                return Long.parseLong(stream.substring(2));
            }
            if (stream.startsWith("steady-")) {
                return steadySlot(Integer.parseInt(stream.substring(7)));
            }
        } catch (NumberFormatException e) {
            // not ours
        }
        return null;
    }

    // ---- the producer ------------------------------------------------------------------------

    private void produce() throws InterruptedException {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(KafkaConnectors.producerProperties(KafkaClient.of(bootstrap)))) {
            // due time (ns), slot, next seq
            PriorityQueue<long[]> due = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
            // when each abandoned stream's idle timeout runs out, counted from its last element
            PriorityQueue<Long> expiries = new PriorityQueue<>();
            long t0 = System.nanoTime();
            liveStreams.set(steady);
            for (int k = 0; k < steady; k++) {
                due.add(new long[]{t0 + 1_000_000_000L * k / Math.max(1, steady), steadySlot(k), 1});
            }
            int started = 0;
            while (producing) {
                long now = System.nanoTime();
                long owed = Math.min(capacity, (long) (streamsPerSecond * (now - t0) / 1e9));
                while (started < owed) {
                    due.add(new long[]{now, started++, 1});
                    streamsStarted.incrementAndGet();
                    liveStreams.incrementAndGet();
                }
                while (!due.isEmpty() && due.peek()[0] <= now && producing) {
                    long[] next = due.poll();
                    send(p, next, now, due, expiries);
                }
                while (!expiries.isEmpty() && expiries.peek() <= now) {
                    expiries.poll();
                    liveStreams.decrementAndGet();
                }
                Thread.sleep(10);
            }
            p.flush();
        }
    }

    private void send(KafkaProducer<String, String> p, long[] next, long now, PriorityQueue<long[]> due, PriorityQueue<Long> expiries) {
        long slot = next[1];
        long seq = next[2];
        String stream = id(slot);
        boolean isSteady = slot < 0;
        int length = isSteady ? Integer.MAX_VALUE : elementsOf((int) slot);
        Element e = seq <= length ? Element.value(stream, seq, null, value(slot, seq)) : Element.endOf(stream, seq, null);
        p.send(new ProducerRecord<>(topic, stream, ElementCodec.write(e)), (meta, error) -> {
            if (error != null) {
                failure.compareAndSet(null, new IOException("producing " + stream + "#" + seq + ": " + error, error));
            }
        });
        if (e.end()) {
            endsSent.incrementAndGet();
            liveStreams.decrementAndGet();
            return;
        }
        elementsSent.incrementAndGet();
        if (isSteady) {
            steadySent[(int) (-1 - slot)]++;
            due.add(new long[]{now + 1_000_000_000L, slot, seq + 1});
        } else {
            sent[(int) slot]++;
            if (seq < length || ends((int) slot)) {
                due.add(new long[]{now + gapMs(slot, seq) * 1_000_000L, slot, seq + 1});
            } else {
                // abandoned: the job holds it until its idle timeout runs out
                expiries.add(now + idleNanos);
            }
        }
    }

    // ---- the results ---------------------------------------------------------------------------

    private void consume(String resultTopic) throws IOException {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(KafkaConnectors.committedReaderProperties(
                KafkaClient.of(bootstrap), "soak-reader-" + UUID.randomUUID()))) {
            c.subscribe(List.of(resultTopic));
            while (consuming) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    accept(r.key(), JSON.readTree(r.value()));
                }
            }
        }
    }

    private void accept(String key, JsonNode n) {
        resultsRead.incrementAndGet();
        String stream = n.path("stream").asText();
        long seq = n.path("seq").asLong();
        Long slot = slotOf(stream);
        if (slot == null || !stream.equals(key) || (slot >= capacity) || (slot < 0 && -1 - slot >= steady)) {
            violation("a result for stream '" + stream + "' (key '" + key + "') that was never sent: " + n);
            return;
        }
        int[] ledger = slot >= 0 ? seen : steadySeen;
        int i = (int) (slot >= 0 ? slot : -1 - slot);
        if (seq != ledger[i] + 1) {
            violation(seq <= ledger[i] ? "result " + stream + "#" + seq + " again (had up to #" + ledger[i] + ")"
                    : "result " + stream + "#" + seq + " after #" + ledger[i] + ": " + (seq - ledger[i] - 1) + " missing");
            ledger[i] = (int) Math.max(ledger[i], seq);
            return;
        }
        ledger[i]++;
        resultsInTurn.incrementAndGet();
        if (n.path("value").asDouble() != value(slot, seq)) {
            violation("result " + stream + "#" + seq + " carries value " + n.path("value") + ", sent " + value(slot, seq));
        }
        resultsByVersion.merge(n.path("version").asInt(), 1L, Long::sum);
    }

    private void violation(String what) {
        if (violationCount.incrementAndGet() <= 20) {
            synchronized (violations) {
                violations.add(what);
            }
        }
    }

    // ---- control and figures -------------------------------------------------------------------

    private void guard(ThrowingRunnable body) {
        try {
            body.run();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Stops sending; what was sent stays the expectation. */
    void stopProducing() throws InterruptedException {
        producing = false;
        producer.join();
    }

    /** Stops reading results. */
    void stopConsuming() throws InterruptedException {
        consuming = false;
        consumer.join();
    }

    @Override
    public void close() throws InterruptedException {
        stopProducing();
        stopConsuming();
    }

    /** What stopped the producer or the reader, if anything did. */
    Throwable failure() {
        return failure.get();
    }

    long streamsStarted() {
        return streamsStarted.get();
    }

    /**
     * The streams the job should hold state for now, by what was sent: the steady ones and each
     * churned stream from its first element until its end marker or an idle timeout after its last
     * element; -1 once the load stopped (every stream is abandoned then).
     */
    long liveStreams() {
        return producing ? liveStreams.get() : -1;
    }

    long elementsSent() {
        return elementsSent.get();
    }

    long endsSent() {
        return endsSent.get();
    }

    long resultsRead() {
        return resultsRead.get();
    }

    /** Results that came in turn (seq one above the stream's last): at most one per element sent. */
    long resultsInTurn() {
        return resultsInTurn.get();
    }

    long violationCount() {
        return violationCount.get();
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    /** Results per model version; read after {@link #stopConsuming()}. */
    TreeMap<Integer, Long> resultsByVersion() {
        return resultsByVersion;
    }

    /**
     * After both threads stopped: the streams whose results are not exactly seq 1 … (elements sent),
     * as {@code stream: results up to #k of n sent}, at most {@code limit} of them, and their count.
     */
    Missing missing(int limit) {
        List<String> some = new ArrayList<>();
        long count = 0;
        for (int i = 0; i < capacity; i++) {
            if (seen[i] != sent[i]) {
                if (count++ < limit) {
                    some.add(id(i) + ": results up to #" + seen[i] + " of " + sent[i] + " sent");
                }
            }
        }
        for (int k = 0; k < steady; k++) {
            if (steadySeen[k] != steadySent[k]) {
                if (count++ < limit) {
                    some.add(id(steadySlot(k)) + ": results up to #" + steadySeen[k] + " of " + steadySent[k] + " sent");
                }
            }
        }
        return new Missing(count, some);
    }

    record Missing(long streams, List<String> examples) {
    }
}
