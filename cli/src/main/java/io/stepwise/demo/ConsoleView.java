package io.stepwise.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.kafka.KafkaClient;
import io.stepwise.kafka.KafkaConnectors;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The demo's live view: reads results as a downstream consumer would ({@code read_committed}) and
 * shows, per chat stream, the sentence so far with each word's tag, and per meter the running
 * sum beside the exact one, each with the model version that produced it. On a terminal it
 * redraws in place; otherwise (a log, a test) it prints one line per result.
 */
public final class ConsoleView implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, String> consumer;
    private final PrintWriter out;
    private final boolean redraw;
    private final Supplier<String> header;
    private final String deadLetterTopic;
    private final String modelTopic;
    /** Per model, the versions announced so far with their evaluation figures. */
    private final Map<String, List<String>> versions = new TreeMap<>();
    private final Map<String, List<String>> chat = new TreeMap<>();
    /** Where each word of a stream's sentence stands in {@link #chat}, by seq, for its final tag. */
    private final Map<String, Map<Long, Integer>> positions = new TreeMap<>();
    private final Map<String, Long> lastSeq = new TreeMap<>();
    private final Map<String, JsonNode> meters = new TreeMap<>();
    private long results;
    private long deadLetters;

    public ConsoleView(KafkaClient bootstrap, List<String> topics, String modelTopic, String deadLetterTopic, PrintWriter out, boolean redraw,
                       Supplier<String> header) {
        this.consumer = new KafkaConsumer<>(KafkaConnectors.committedReaderProperties(bootstrap, "stepwise-demo-console"));
        List<String> all = new ArrayList<>(topics);
        all.add(deadLetterTopic);
        all.add(modelTopic);
        this.modelTopic = modelTopic;
        this.consumer.subscribe(all);
        this.deadLetterTopic = deadLetterTopic;
        this.out = out;
        this.redraw = redraw;
        this.header = header;
    }

    /** Reads what arrived in about {@code wait} and shows it. */
    public void refresh(Duration wait) throws Exception {
        for (ConsumerRecord<String, String> r : consumer.poll(wait)) {
            JsonNode n = JSON.readTree(r.value());
            if (r.topic().equals(modelTopic)) {
                String line = String.format("%s v%d%s", n.get("model").asText(), n.get("version").asInt(), describe(n.get("eval")));
                versions.computeIfAbsent(n.get("model").asText(), k -> new ArrayList<>()).add(line);
                if (!redraw) {
                    out.printf("model version published: %s%n", line);
                }
                continue;
            }
            if (r.topic().equals(deadLetterTopic)) {
                deadLetters++;
                if (!redraw) {
                    out.printf("dead letter: %s%n", n.get("error").asText());
                }
                continue;
            }
            results++;
            String stream = n.get("stream").asText();
            String version = n.get("model").asText() + " v" + n.get("version").asInt();
            if (n.has("tag") && n.path("final").asBoolean(false)) {
                // a delayed tagger's final tag replaces the one the word was given at once
                String word = n.get("token").asText() + "/";
                List<String> words = chat.getOrDefault(stream, List.of());
                Integer at = positions.computeIfAbsent(stream, k -> new java.util.HashMap<>()).get(n.get("seq").asLong());
                if (at != null && at < words.size() && words.get(at).startsWith(word)) {
                    words.set(at, word + n.get("tag").asText());
                }
            } else if (n.has("tag")) {
                List<String> words = chat.computeIfAbsent(stream, k -> new ArrayList<>());
                if (n.get("seq").asLong() == 1 || words.isEmpty() || startsSentence(stream, n)) {
                    words.clear();
                    positions.computeIfAbsent(stream, k -> new java.util.HashMap<>()).clear();
                }
                positions.computeIfAbsent(stream, k -> new java.util.HashMap<>()).put(n.get("seq").asLong(), words.size());
                // a tag that may still change (a delayed tagger's at once) is marked until its final one comes
                words.add(n.get("token").asText() + "/" + n.get("tag").asText() + (n.has("final") ? "?" : ""));
                lastSeq.put(stream, n.get("seq").asLong());
                if (!redraw) {
                    out.printf("%-8s #%-4d %-14s -> %-6s p=%.2f  %s%n", stream, n.get("seq").asLong(), n.get("token").asText(),
                            n.get("tag").asText(), n.get("p").asDouble(), version);
                }
            } else {
                meters.put(stream, n);
                if (!redraw) {
                    out.printf("%-8s #%-4d value %7.1f  running sum %9.2f  exact %8.1f  diff %6.2f  %s%n", stream, n.get("seq").asLong(),
                            n.get("value").asDouble(), n.get("sum").asDouble(), n.get("exact").asDouble(), n.get("diff").asDouble(), version);
                }
            }
        }
        if (redraw) {
            draw();
        }
        out.flush();
    }

    /** "accuracy 0.944 on 101 held-out examples (v4: 0.922)" from an announcement's evaluation figures. */
    private static String describe(JsonNode eval) {
        if (eval == null || !eval.has("metric")) {
            return " (start model)";
        }
        String metric = eval.get("metric").asText();
        StringBuilder b = new StringBuilder(String.format(": %s %.3f", metric, eval.path(metric).asDouble()));
        if (eval.has("held_out")) {
            b.append(" on ").append(eval.get("held_out").asInt()).append(" held-out examples");
        }
        if (eval.has("serving_version")) {
            b.append(String.format(" (v%d: %.3f)", eval.get("serving_version").asInt(), eval.path("serving_" + metric).asDouble()));
        }
        return b.toString();
    }

    /** A result whose seq jumped past the last one seen by more than one follows an end marker. */
    private boolean startsSentence(String stream, JsonNode n) {
        Long last = lastSeq.get(stream);
        return last != null && n.get("seq").asLong() > last + 1;
    }

    private void draw() {
        StringBuilder b = new StringBuilder("\033[H\033[2J");
        b.append(header.get()).append("\n");
        versions.forEach((m, vs) -> b.append("  published: ").append(vs.get(vs.size() - 1)).append('\n'));
        b.append('\n');
        b.append("chat streams: running part-of-speech tags\n");
        chat.forEach((s, words) -> b.append(String.format("  %-8s %s%n", s, String.join(" ", words.subList(Math.max(0, words.size() - 12), words.size())))));
        b.append("\nmeters: running sums (the LSTM's estimate beside the exact sum)\n");
        b.append(String.format("  %-8s %6s %7s %10s %9s %7s  %s%n", "stream", "seq", "value", "model sum", "exact", "diff", "version"));
        meters.forEach((s, n) -> b.append(String.format("  %-8s %6d %7.1f %10.2f %9.1f %7.2f  %s v%d%n", s, n.get("seq").asLong(),
                n.get("value").asDouble(), n.get("sum").asDouble(), n.get("exact").asDouble(), n.get("diff").asDouble(),
                n.get("model").asText(), n.get("version").asInt())));
        b.append(String.format("%nresults %d · dead letters %d%n", results, deadLetters));
        out.print(b);
    }

    public long results() {
        return results;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
