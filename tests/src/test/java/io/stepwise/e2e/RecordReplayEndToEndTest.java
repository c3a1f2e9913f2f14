package io.stepwise.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.cli.Stepwise;
import io.stepwise.jobs.inference.InferenceSettings;
import io.stepwise.jobs.inference.KafkaInference;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.model.TaggerModel;
import io.stepwise.wire.Element;
import io.stepwise.wire.ModelAnnouncement;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live run recorded and replayed: the record and replay commands against a real broker, and
 * the inference job over the recording giving the results the live job gave.
 */
class RecordReplayEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path dir;

    private static int run(String... args) {
        var cl = Stepwise.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int exit = cl.execute(args);
        assertThat(exit).as(String.join(" ", args) + "\n" + err).isZero();
        return exit;
    }

    private static void announce(String topic, Model m) {
        byte[] file = ModelFile.toBytes(m);
        KafkaTopics.produce(KAFKA.bootstrapServers(), topic,
                List.<String[]>of(new String[]{m.name(), ModelAnnouncement.inline(m.name(), m.version(), file, ModelFile.sha256Hex(file)).toJson()}));
    }

    private static Map<String, String> byStreamAndSeq(List<String> jsonLines) throws Exception {
        Map<String, String> out = new HashMap<>();
        for (String l : jsonLines) {
            JsonNode n = JSON.readTree(l);
            out.put(n.get("stream").asText() + "#" + n.get("seq").asLong(), n.get("tag").asText() + "@v" + n.get("version").asInt());
        }
        return out;
    }

    @Test
    void aRecordedLiveRunReplaysToTheSameResultsAndBackIntoKafka() throws Exception {
        TaggerModel v1 = Workloads.tagger(1, 11);
        TaggerModel v2 = Workloads.tagger(2, 12);
        String b = KAFKA.bootstrapServers();
        // 1. the live run: v1, a first half, v2 (served before the second half is sent), a second half
        InferenceSettings.Builder sb = InferenceSettings.builder().bootstrap(b).inputTopic("live-in").outputTopic("live-out")
                .modelTopic("live-models");
        sb.kafka().groupId("live").checkpointInterval(Duration.ofMillis(500));
        InferenceSettings s = sb.build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        KafkaInference.configure(env, s);
        JobClient job = env.executeAsync("live");
        List<Element> first = Workloads.sentences(30, 2, 1, 7);
        List<Element> second = Workloads.sentences(30, 2, 100, 8);
        long expected = first.stream().filter(e -> !e.end()).count() + second.stream().filter(e -> !e.end()).count();
        List<ConsumerRecord<String, String>> live;
        try (KafkaTopics.Reader out = new KafkaTopics.Reader(b, s.outputTopic())) {
            announce(s.modelTopic(), v1);
            KafkaTopics.produce(b, s.inputTopic(), Workloads.records(first));
            await().atMost(Duration.ofSeconds(60)).until(() -> out.poll().size() >= expected - second.stream().filter(e -> !e.end()).count());
            announce(s.modelTopic(), v2);
            // new sentences must start on v2 before the second half goes out
            long probe = 1;
            do {
                KafkaTopics.produce(b, s.inputTopic(), Workloads.records(List.of(Element.token("probe", probe++, null, "the"), Element.endOf("probe", probe++, null))));
                Thread.sleep(300);
            } while (out.poll().stream().noneMatch(r -> r.value().contains("\"probe\"") && r.value().contains("\"version\":2")));
            KafkaTopics.produce(b, s.inputTopic(), Workloads.records(second));
            long probes = (probe - 1) / 2;
            await().atMost(Duration.ofSeconds(60)).until(() -> out.poll().size() >= expected + probes);
            live = out.poll();
        } finally {
            job.cancel().get();
        }

        // 2. record both topics, the way a user would
        Path recording = dir.resolve("live.jsonl");
        run("record", "--bootstrap", b, "--topic", s.inputTopic(), "--topic", s.modelTopic(), "--out", recording.toString());
        assertThat(Files.readAllLines(recording)).anyMatch(l -> l.contains("\"topic\":\"live-models\""));

        // 3. the job over the recording gives what the live job gave: same versions, same tags
        Path replayed = dir.resolve("replayed.jsonl");
        run("run", "infer", "--recording", recording.toString(), "--output", replayed.toString(),
                "--input-topic", s.inputTopic(), "--model-topic", s.modelTopic(), "--parallelism", "2",
                "--checkpoint-dir", dir.resolve("cp").toString());
        Map<String, String> liveResults = byStreamAndSeq(live.stream().map(ConsumerRecord::value).toList());
        Map<String, String> replayResults = byStreamAndSeq(Files.readAllLines(replayed));
        // the probes raced the announcement live: one written just after it may still have met v1,
        // since the two topics reach the operator on separate inputs; the recording's order says v2.
        // Only the elements well apart from the swap must agree, and every probe must be there.
        assertThat(replayResults.keySet()).isEqualTo(liveResults.keySet());
        liveResults.keySet().removeIf(k -> k.startsWith("probe#"));
        replayResults.keySet().removeIf(k -> k.startsWith("probe#"));
        assertThat(replayResults).isEqualTo(liveResults);

        // 4. and the recording produced back into Kafka is the same records, keys and order per stream
        run("replay", "--file", recording.toString(), "--bootstrap", b, "--topic-map", "live-in=copy-in",
                "--topic-map", "live-models=copy-models", "--speed", "max");
        try (KafkaTopics.Reader copy = new KafkaTopics.Reader(b, "copy-in")) {
            long sent = Files.readAllLines(recording).stream().filter(l -> l.contains("\"topic\":\"live-in\"")).count();
            await().atMost(Duration.ofSeconds(30)).until(() -> copy.poll().size() >= sent);
            Map<String, StringBuilder> perKey = new HashMap<>();
            copy.poll().forEach(r -> perKey.computeIfAbsent(r.key(), k -> new StringBuilder()).append(r.value()).append('\n'));
            Map<String, StringBuilder> recordedPerKey = new HashMap<>();
            for (String l : Files.readAllLines(recording)) {
                JsonNode n = JSON.readTree(l);
                if (n.get("topic").asText().equals("live-in")) {
                    recordedPerKey.computeIfAbsent(n.get("key").asText(), k -> new StringBuilder()).append(n.get("value").toString()).append('\n');
                }
            }
            assertThat(perKey.keySet()).isEqualTo(recordedPerKey.keySet());
            perKey.forEach((k, v) -> assertThat(v.toString()).as(k).isEqualTo(recordedPerKey.get(k).toString()));
        }
    }
}
