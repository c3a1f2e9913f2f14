package io.stepwise.jobs.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.RawRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;

/**
 * The inference job over a recording ({@code --recording FILE}) instead of Kafka: the same operators, in STREAMING mode,
 * with event time from the recorded order, so that a model version recorded between two
 * elements is in force for the second and not the first (ServingSettings#alignToEventTime).
 * The results are written as one file, sorted by stream and seq, so that the same recording and
 * the same model versions give the same file, byte for byte, at any parallelism.
 */
public final class RecordingInference {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordingInference() {
    }

    /**
     * Event time of the i-th record at one recorded millisecond: ms * 1000 + i, so that records
     * sharing a timestamp keep their recorded order (a thousand per millisecond).
     */
    static final class RecordingClock implements SerializableTimestampAssigner<RawRecord> {
        private long lastMillis = Long.MIN_VALUE;
        private long tie;

        @Override
        public long extractTimestamp(RawRecord r, long previous) {
            tie = r.timestamp() == lastMillis ? Math.min(tie + 1, 999) : 0;
            lastMillis = r.timestamp();
            return r.timestamp() * 1000 + tie;
        }
    }

    /** Adds the replay to {@code env}; part files go under {@code work}, for {@link #finish}. */
    public static void configure(StreamExecutionEnvironment env, InferenceSettings s, Path work) {
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        // part files are committed with checkpoints, the last one when the recording ends
        env.enableCheckpointing(Duration.ofSeconds(1).toMillis(), CheckpointingMode.EXACTLY_ONCE);
        FileSource<String> file = FileSource.forRecordStreamFormat(new TextLineInputFormat(),
                new org.apache.flink.core.fs.Path(s.recording().toAbsolutePath().toUri())).build();
        String source = s.recording().toString();
        SingleOutputStreamOperator<RawRecord> parsed = env.fromSource(file, WatermarkStrategy.noWatermarks(), "recording")
                .uid("recording-source").setParallelism(1)
                .process(new ParseRecordingLines(source)).returns(TypeInformation.of(RawRecord.class)).setParallelism(1)
                .uid("recording-parse").name("parse recording lines");
        DataStream<RawRecord> records = parsed
                .assignTimestampsAndWatermarks(WatermarkStrategy.<RawRecord>forMonotonousTimestamps()
                        .withTimestampAssigner(new RecordingClock())).setParallelism(1).uid("recording-clock");
        String in = s.inputTopic();
        String models = s.modelTopic();
        DataStream<RawRecord> elements = records.filter(r -> r.topic().equals(in)).setParallelism(1).uid("recorded-elements");
        DataStream<RawRecord> versions = records.filter(r -> r.topic().equals(models)).setParallelism(1).uid("recorded-model-versions");
        InferenceJob.wire(elements, versions, fileSink(work.resolve("results")), fileSink(work.resolve("dead-letters")),
                parsed.getSideOutput(InferenceJob.DEAD_LETTERS), s.serving().toBuilder().alignToEventTime(true).build(), s.initialModel(), "");
    }

    private static FileSink<KeyedJson> fileSink(Path dir) {
        Encoder<KeyedJson> lines = (r, out) -> out.write((r.json() + "\n").getBytes(StandardCharsets.UTF_8));
        return FileSink.forRowFormat(new org.apache.flink.core.fs.Path(dir.toAbsolutePath().toUri()), lines)
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .build();
    }

    /** Merges the finished part files into the output files, sorted; returns the number of results. */
    public static long finish(Path work, InferenceSettings s) throws IOException {
        long n = merge(work.resolve("results"), s.output());
        merge(work.resolve("dead-letters"), s.deadLetterOutput());
        return n;
    }

    private static long merge(Path parts, Path into) throws IOException {
        List<String> lines = new ArrayList<>();
        if (Files.isDirectory(parts)) {
            try (Stream<Path> files = Files.walk(parts)) {
                for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                    lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
                }
            }
        }
        record Keyed(String stream, long seq, String line) {
        }
        List<Keyed> keyed = new ArrayList<>(lines.size());
        for (String l : lines) {
            JsonNode n = node(l);
            keyed.add(new Keyed(n.path("stream").asText(""), n.path("seq").asLong(-1), l));
        }
        keyed.sort(Comparator.comparing(Keyed::stream).thenComparingLong(Keyed::seq).thenComparing(Keyed::line));
        lines = keyed.stream().map(Keyed::line).toList();
        Path parent = into.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(into, lines, StandardCharsets.UTF_8);
        return lines.size();
    }

    private static JsonNode node(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
