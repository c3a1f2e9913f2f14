package io.stepwise.cli;

import io.stepwise.kafka.KafkaClient;
import io.stepwise.kafka.KafkaConnectors;
import io.stepwise.recording.RecordingFormat;
import io.stepwise.wire.RawRecord;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes Kafka topics to a recording file. */
@Command(name = "record", mixinStandardHelpOptions = true, modelTransformer = KafkaClientOptions.class,
        header = "Records Kafka topics into a file (JSON lines) for replays.",
        description = {
            "Reads every partition of the given topics (committed records only) from --from to --to",
            "and writes them, ordered by timestamp (then topic, partition, offset), one JSON line per",
            "record: {\"topic\",\"partition\",\"offset\",\"timestamp\",\"key\",\"value\"}. Record the element",
            "topic and the model topic together, so a replay applies versions where they applied live.",
            "--from/--to take an offset (a number, per partition) or a time (ISO-8601, e.g.",
            "2026-11-29T06:00:00Z); without --to it stops at the end offsets when it starts."})
public final class RecordCommand implements Callable<Integer> {

    @Option(names = "--topic", required = true, paramLabel = "T", description = "A topic to record (repeat for several).")
    List<String> topics;

    @Option(names = "--from", paramLabel = "TIME|OFFSET", description = "Start (default: the beginning).")
    String from;

    @Option(names = "--to", paramLabel = "TIME|OFFSET", description = "End, exclusive (default: the end when recording starts).")
    String to;

    @Option(names = "--out", required = true, paramLabel = "FILE")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        KafkaClient bootstrap = KafkaClientOptions.client(spec);
        List<RawRecord> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(KafkaConnectors.committedReaderProperties(bootstrap, "stepwise-record"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                List<PartitionInfo> info = c.partitionsFor(t, Duration.ofSeconds(30));
                if (info == null || info.isEmpty()) {
                    throw new IllegalArgumentException("topic " + t + " does not exist on " + bootstrap);
                }
                info.forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
            }
            c.assign(parts);
            Map<TopicPartition, Long> start = position(c, parts, from, true);
            Map<TopicPartition, Long> end = position(c, parts, to, false);
            start.forEach(c::seek);
            Map<TopicPartition, Boolean> done = new HashMap<>();
            for (TopicPartition p : parts) {
                done.put(p, start.get(p) >= end.get(p));
            }
            while (done.containsValue(false)) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    TopicPartition p = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < end.get(p)) {
                        records.add(RawRecord.fromBytes(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value()));
                    }
                }
                for (TopicPartition p : parts) {
                    // read_committed positions skip transaction markers, so compare positions, not offsets seen
                    done.put(p, c.position(p) >= end.get(p));
                }
            }
        }
        records.sort(Comparator.comparingLong(RawRecord::timestamp).thenComparing(RawRecord::topic)
                .thenComparingInt(RawRecord::partition).thenComparingLong(RawRecord::offset));
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (RawRecord r : records) {
                w.write(RecordingFormat.write(r));
                w.write('\n');
            }
        }
        spec.commandLine().getErr().printf("record: %d records of %s written to %s%n", records.size(), topics, out);
        spec.commandLine().getErr().flush();
        return 0;
    }

    private static Map<TopicPartition, Long> position(KafkaConsumer<?, ?> c, List<TopicPartition> parts, String spec, boolean start) {
        Map<TopicPartition, Long> out = new HashMap<>();
        if (spec == null) {
            out.putAll(start ? c.beginningOffsets(parts) : c.endOffsets(parts));
            return out;
        }
        if (spec.matches("\\d+")) {
            long o = Long.parseLong(spec);
            parts.forEach(p -> out.put(p, o));
            return out;
        }
        long ts;
        try {
            ts = Instant.parse(spec).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("'" + spec + "' is neither an offset nor an ISO-8601 time like 2026-11-29T06:00:00Z");
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        parts.forEach(p -> query.put(p, ts));
        Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(query);
        Map<TopicPartition, Long> ends = c.endOffsets(parts);
        parts.forEach(p -> out.put(p, found.get(p) == null ? ends.get(p) : found.get(p).offset()));
        return out;
    }
}
