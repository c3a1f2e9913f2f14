package io.stepwise.jobs.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.lstm.LstmState;
import io.stepwise.model.ModelFile;
import io.stepwise.model.TaggerModel;
import io.stepwise.recording.RecordingFormat;
import io.stepwise.wire.Element;
import io.stepwise.wire.ElementCodec;
import io.stepwise.wire.ModelAnnouncement;
import io.stepwise.wire.RawRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The inference job over a recording, on a MiniCluster: deterministic, versions where they were recorded. */
class RecordingInferenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    private record Recorded(List<RawRecord> records, Map<String, Integer> versionAt) {
    }

    /** 20 chat streams; v1 announced first, v2 a third of the way in, each with the same millisecond as an element. */
    private static Recorded recording(TaggerModel v1, TaggerModel v2) {
        List<String> words = List.of("the", "dog", "ate", "a", "cat", "apple", "zebra");
        SplittableRandom rng = new SplittableRandom(3);
        List<RawRecord> out = new ArrayList<>();
        Map<String, Integer> versionAt = new HashMap<>();
        long[] seq = new long[20];
        long ts = 1_764_390_000_000L;
        out.add(announcement(v1, ts));
        int version = 1;
        for (int i = 0; i < 300; i++) {
            if (i == 100) {
                // same millisecond as the element before it: the recorded order decides
                out.add(announcement(v2, ts));
                version = 2;
            }
            int s = rng.nextInt(20);
            Element e = Element.token("s" + s, ++seq[s], null, words.get(rng.nextInt(words.size())));
            out.add(new RawRecord("tokens", s % 2, i, ts, e.stream(), ElementCodec.write(e)));
            versionAt.put(e.stream() + "#" + e.seq(), version);
            if (rng.nextInt(3) > 0) {
                ts++;
            }
        }
        return new Recorded(out, versionAt);
    }

    private static RawRecord announcement(TaggerModel m, long ts) {
        byte[] file = ModelFile.toBytes(m);
        return new RawRecord("models", 0, m.version(), ts, m.name(), ModelAnnouncement.inline(m.name(), m.version(), file, ModelFile.sha256Hex(file)).toJson());
    }

    private Path replay(Path recording, String name) throws Exception {
        return replay(recording, name, null, 2);
    }

    private Path replay(Path recording, String name, TaggerModel initial, int parallelism) throws Exception {
        Path output = dir.resolve(name);
        InferenceSettings.Builder b = InferenceSettings.builder().recording(recording).output(output).inputTopic("tokens")
                .modelTopic("models");
        if (initial != null) {
            b.initialModel(ModelFile.toBytes(initial));
        }
        b.serving().updatePolicy(UpdatePolicy.SWITCH);
        InferenceSettings s = b.build();
        Path work = Files.createDirectories(dir.resolve(name + "-work"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        RecordingInference.configure(env, s, work);
        env.execute("replay " + name);
        RecordingInference.finish(work, s);
        return output;
    }

    @Test
    void aReplayIsDeterministicAndAppliesEachVersionWhereItWasRecorded() throws Exception {
        TaggerModel v1 = RunningInferenceTest.tagger(1, 7);
        TaggerModel v2 = RunningInferenceTest.tagger(2, 99);
        Recorded rec = recording(v1, v2);
        Path file = dir.resolve("session.jsonl");
        Files.write(file, rec.records().stream().map(RecordingFormat::write).toList());

        Path first = replay(file, "first.jsonl");
        Path second = replay(file, "second.jsonl");

        assertThat(Files.readAllBytes(first)).isEqualTo(Files.readAllBytes(second));
        // independently: step each stream in recorded order with the version in force at each element
        Map<String, LstmState> states = new HashMap<>();
        Map<Integer, TaggerModel.Stepper> steppers = Map.of(1, v1.newStepper(), 2, v2.newStepper());
        Map<String, String> expected = new HashMap<>();
        for (RawRecord r : rec.records()) {
            if (!r.topic().equals("tokens")) {
                continue;
            }
            Element e = ElementCodec.parse(r.value());
            String key = e.stream() + "#" + e.seq();
            LstmState st = states.computeIfAbsent(e.stream(), k -> LstmState.zeros(v1.lstmConfig()));
            expected.put(key, steppers.get(rec.versionAt().get(key)).step(e.token(), st).tag() + "@v" + rec.versionAt().get(key));
        }
        List<String> lines = Files.readAllLines(first);
        assertThat(lines).hasSize(300);
        for (String line : lines) {
            JsonNode n = JSON.readTree(line);
            String key = n.get("stream").asText() + "#" + n.get("seq").asLong();
            assertThat(n.get("tag").asText() + "@v" + n.get("version").asInt()).as(key).isEqualTo(expected.get(key));
        }
    }

    @Test
    void withAModelGivenAtStartEveryRunAtEveryParallelismGivesTheSameBytes() throws Exception {
        TaggerModel v1 = RunningInferenceTest.tagger(1, 7);
        TaggerModel v2 = RunningInferenceTest.tagger(2, 99);
        Recorded rec = recording(v1, v2);
        // v1 is not announced: it is served from --model, and v2 is announced a third of the way in
        List<RawRecord> withoutV1 = rec.records().stream().filter(r -> !(r.topic().equals("models") && r.offset() == 1)).toList();
        Path file = dir.resolve("given.jsonl");
        Files.write(file, withoutV1.stream().map(RecordingFormat::write).toList());

        byte[] reference = null;
        for (int parallelism : new int[]{1, 2}) {
            for (int run = 0; run < 3; run++) {
                Path out = replay(file, "given-p" + parallelism + "-" + run + ".jsonl", v1, parallelism);
                byte[] bytes = Files.readAllBytes(out);
                if (reference == null) {
                    reference = bytes;
                    for (String line : Files.readAllLines(out)) {
                        JsonNode n = JSON.readTree(line);
                        String key = n.get("stream").asText() + "#" + n.get("seq").asLong();
                        assertThat(n.get("version").asInt()).as("%s: the version recorded in force", key)
                                .isEqualTo(rec.versionAt().get(key));
                    }
                }
                assertThat(bytes).as("parallelism %d, run %d", parallelism, run).isEqualTo(reference);
            }
        }
    }
}
