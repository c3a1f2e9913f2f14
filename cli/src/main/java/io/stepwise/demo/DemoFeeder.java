package io.stepwise.demo;

import io.stepwise.kafka.KafkaClient;
import io.stepwise.kafka.KafkaConnectors;
import io.stepwise.wire.Element;
import io.stepwise.wire.ElementCodec;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Feeds the demo's example streams into Kafka at a steady pace: chat streams that send the
 * bundled sentences word by word (an end marker after each), and meter streams that send numbers
 * in billing periods of 16 readings. Streams interleave at random, each in its own order.
 */
public final class DemoFeeder implements Runnable, AutoCloseable {

    /** Readings per billing period: the meters' sequences, as long as the sum model was trained for. */
    public static final int PERIOD = 16;

    private final KafkaProducer<String, String> producer;
    private final String tokenTopic;
    private final String numberTopic;
    private final List<List<String>> sentences;
    private final int chatStreams;
    private final int meters;
    private final double perSecond;
    private final SplittableRandom rng = new SplittableRandom(42);
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean running = true;

    public DemoFeeder(KafkaClient bootstrap, String tokenTopic, String numberTopic, List<List<String>> sentences,
                      int chatStreams, int meters, double perSecond) {
        this.producer = new KafkaProducer<>(KafkaConnectors.producerProperties(bootstrap));
        this.tokenTopic = tokenTopic;
        this.numberTopic = numberTopic;
        this.sentences = sentences;
        this.chatStreams = chatStreams;
        this.meters = meters;
        this.perSecond = perSecond;
    }

    @Override
    public void run() {
        long[] seq = new long[chatStreams + meters];
        int[] sentence = new int[chatStreams];
        int[] word = new int[chatStreams];
        for (int c = 0; c < chatStreams; c++) {
            sentence[c] = (c * 7) % sentences.size();
        }
        long pauseNanos = (long) (1e9 / perSecond);
        long next = System.nanoTime();
        while (running) {
            int s = rng.nextInt(chatStreams + meters);
            Element e;
            if (s < chatStreams) {
                List<String> words = sentences.get(sentence[s]);
                String stream = "chat-" + s;
                if (word[s] < words.size()) {
                    e = Element.token(stream, ++seq[s], System.currentTimeMillis(), words.get(word[s]++));
                } else {
                    e = Element.endOf(stream, ++seq[s], System.currentTimeMillis());
                    word[s] = 0;
                    sentence[s] = (sentence[s] + chatStreams) % sentences.size();
                }
                producer.send(new ProducerRecord<>(tokenTopic, stream, ElementCodec.write(e)));
            } else {
                String stream = "meter-" + (s - chatStreams);
                long n = ++seq[s];
                e = n % (PERIOD + 1) == 0
                        ? Element.endOf(stream, n, System.currentTimeMillis())
                        : Element.value(stream, n, System.currentTimeMillis(), rng.nextInt(200) - 100);
                producer.send(new ProducerRecord<>(numberTopic, stream, ElementCodec.write(e)));
            }
            sent.incrementAndGet();
            next += pauseNanos;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public long sent() {
        return sent.get();
    }

    public void stop() {
        running = false;
    }

    @Override
    public void close() {
        stop();
        producer.close();
    }

    /**
     * Streams labelled examples for the side training job, cycling through {@code sentences} at a
     * few per second, while {@code feeder} runs.
     */
    public static void feedExamples(KafkaClient bootstrap, String topic, List<io.stepwise.train.TaggedSentence> sentences, DemoFeeder feeder) {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(KafkaConnectors.producerProperties(bootstrap))) {
            for (int i = 0; feeder.running; i++) {
                io.stepwise.train.TaggedSentence s = sentences.get(i % sentences.size());
                String json = io.stepwise.wire.LabelledExample.tagged(s.words().toArray(String[]::new), s.tags().toArray(String[]::new)).toJson();
                p.send(new ProducerRecord<>(topic, "example-" + i, json));
                try {
                    Thread.sleep(40);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
