package io.stepwise.cli;

import io.stepwise.kafka.KafkaClient;
import io.stepwise.kafka.KafkaConnectors;
import io.stepwise.recording.RecordingFormat;
import io.stepwise.wire.RawRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Produces a recording back into Kafka. */
@Command(name = "replay", mixinStandardHelpOptions = true, modelTransformer = KafkaClientOptions.class,
        header = "Produces a recording back into Kafka, keeping keys and timing.",
        description = {
            "Sends each recorded record to its topic (or the one --topic-map names) with its key and",
            "value, keeping the relative timing between records scaled by --speed (max: as fast as",
            "possible). To run the inference job over a recording without Kafka, use",
            "'stepwise run infer --replay FILE --output FILE'."})
public final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "A recording made by 'stepwise record'.")
    Path file;

    @Option(names = "--topic-map", paramLabel = "OLD=NEW", description = "Send records of topic OLD to NEW (repeat for several).")
    Map<String, String> topicMap = new HashMap<>();

    @Option(names = "--speed", defaultValue = "1x", paramLabel = "1x|10x|max", description = "Pace relative to the recording (default: ${DEFAULT-VALUE}).")
    String speed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        KafkaClient bootstrap = KafkaClientOptions.client(spec);
        double factor = parseSpeed(speed);
        List<RawRecord> records = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (!line.isBlank()) {
                records.add(RecordingFormat.read(line, file + ":" + n));
            }
        }
        KafkaConnectors.ensureTopics(bootstrap, new java.util.LinkedHashSet<>(records.stream().map(r -> target(r.topic())).toList()), 2);
        long first = records.isEmpty() ? 0 : records.get(0).timestamp();
        long started = System.nanoTime();
        try (KafkaProducer<String, String> p = new KafkaProducer<>(KafkaConnectors.producerProperties(bootstrap));
             ProgressBar bar = new ProgressBarBuilder().setTaskName("replay").setInitialMax(records.size())
                     .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build()) {
            for (RawRecord r : records) {
                if (factor > 0) {
                    long dueNanos = (long) ((r.timestamp() - first) * 1e6 / factor);
                    long wait = dueNanos - (System.nanoTime() - started);
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                p.send(new ProducerRecord<>(target(r.topic()), r.key(), r.value()));
                bar.step();
            }
            p.flush();
        }
        spec.commandLine().getErr().printf("replay: %d records sent%n", records.size());
        spec.commandLine().getErr().flush();
        return 0;
    }

    private String target(String topic) {
        return topicMap.getOrDefault(topic, topic);
    }

    /** 0 means as fast as possible. */
    static double parseSpeed(String s) {
        if (s.equals("max")) {
            return 0;
        }
        if (s.matches("\\d+(\\.\\d+)?x")) {
            double f = Double.parseDouble(s.substring(0, s.length() - 1));
            if (f > 0) {
                return f;
            }
        }
        throw new IllegalArgumentException("--speed must be like 1x, 10x, 0.5x or max, got '" + s + "'");
    }
}
