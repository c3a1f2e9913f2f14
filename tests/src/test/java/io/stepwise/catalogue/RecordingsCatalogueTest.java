package io.stepwise.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.cli.Stepwise;
import io.stepwise.e2e.EmbeddedKafkaExtension;
import io.stepwise.e2e.Workloads;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.predict.OfflinePredictor;
import io.stepwise.wire.Element;
import io.stepwise.wire.ElementCodec;
import io.stepwise.wire.Result;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input catalogue of recordings (README, "Bad input"): a live run recorded from a real broker
 * with {@code stepwise record} (bad element and announcement records among the valid ones), then bad
 * lines written into the file as a careless edit or a cut-off copy would, replayed once with
 * {@code stepwise run infer --replay FILE --model FILE}. The replay must finish (exit 0, no crash on
 * the first bad line), every bad line and bad record must have one dead letter with its reason, and
 * the valid streams must get exactly what offline prediction gives them alone.
 */
class RecordingsCatalogueTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final long T0 = 1_764_390_000_000L;
    private static final String IN = "rec-in";
    private static final String MODELS = "rec-models";

    @TempDir
    Path dir;

    /** Bad records as they were on the broker, recorded with the rest: the replay refuses them as the live job would. */
    static List<BadInput> badRecords() {
        return List.of(
                BadInput.bytes("recorded: a token of invalid UTF-8", BadInput.spliced("{\"stream\":\"chat-0\",\"seq\":1000,\"token\":\"d",
                        new byte[]{(byte) 0xC3, (byte) 0x28}, "g\"}"), "the value is not valid UTF-8 (byte 40 of 45)"),
                BadInput.json("recorded: trailing characters", "{\"stream\":\"chat-1\",\"seq\":1000,\"token\":\"dog\"}}",
                        "trailing characters after the JSON object"),
                BadInput.json("recorded: a value NaN", "{\"stream\":\"chat-2\",\"seq\":1000,\"value\":NaN}", "NaN and Infinity are not JSON numbers"),
                BadInput.json("recorded: white-space stream id", "{\"stream\":\" \",\"seq\":1000,\"token\":\"dog\"}", "'stream' is only white space"));
    }

    /** A bad announcement recorded from the model topic. */
    static BadInput badAnnouncement() {
        return BadInput.json("recorded: an announcement that is not JSON", "tagger v2 is ready", "model announcement: not JSON");
    }

    /** Lines that are not recording lines, written into the file: each one a dead letter naming its line. */
    static List<BadInput> badLines(String aValidLine) {
        return List.of(
                BadInput.json("line: not JSON", "this is not a recording line", "not a recording line"),
                BadInput.json("line: cut off in the middle", aValidLine.substring(0, aValidLine.length() / 2), "not a recording line"),
                BadInput.json("line: a JSON array", "[1,2,3]", "a recording line needs at least 'topic' and 'timestamp'"),
                BadInput.json("line: no topic", "{\"timestamp\":" + T0 + ",\"key\":\"chat-0\",\"value\":{\"stream\":\"chat-0\",\"seq\":1000,\"token\":\"dog\"}}",
                        "a recording line needs at least 'topic' and 'timestamp'"),
                BadInput.json("line: no timestamp", "{\"topic\":\"" + IN + "\",\"key\":\"chat-0\",\"value\":{\"stream\":\"chat-0\",\"seq\":1000,\"token\":\"dog\"}}",
                        "a recording line needs at least 'topic' and 'timestamp'"),
                BadInput.json("line: timestamp is a string", "{\"topic\":\"" + IN + "\",\"timestamp\":\"noon\",\"key\":\"chat-0\","
                        + "\"value\":{\"stream\":\"chat-0\",\"seq\":1000,\"token\":\"dog\"}}", "'timestamp' must be an integer"),
                BadInput.json("line: value_base64 is not base64", "{\"topic\":\"" + IN + "\",\"timestamp\":" + T0 + ",\"key\":\"chat-0\","
                        + "\"value_base64\":\"%%not base64%%\"}", "'value_base64' is not base64"),
                BadInput.json("line: trailing characters", aValidLine + "}", "not a recording line"));
    }

    @TestFactory
    Stream<DynamicTest> aReplayDeadLettersEveryBadLineAndRecordAndGivesTheValidStreamsWhatTheyGetAlone() throws Exception {
        String b = KAFKA.bootstrapServers();
        Model v1 = Workloads.tagger(1, 71);
        Path modelFile = dir.resolve("tagger-v1.stepwise");
        Files.write(modelFile, ModelFile.toBytes(v1));
        List<Element> valid = new ArrayList<>();
        List<Element> sentences = Workloads.sentences(4, 2, 1, 73);
        for (int i = 0; i < sentences.size(); i++) {
            Element e = sentences.get(i);
            valid.add(new Element(e.stream(), e.seq(), T0 + i, e.token(), e.value(), e.end()));
        }
        RawKafka.createTopics(b, 1, IN, MODELS);

        // 1. the live topics: valid elements with the bad records among them, and a bad announcement
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Element e : valid) {
            records.add(new ProducerRecord<>(IN, e.stream().getBytes(StandardCharsets.UTF_8), ElementCodec.write(e).getBytes(StandardCharsets.UTF_8)));
        }
        SplittableRandom rng = new SplittableRandom(75);
        List<BadInput> bad = badRecords();
        for (BadInput r : bad) {
            records.add(1 + rng.nextInt(records.size()), new ProducerRecord<>(IN, "chat-0".getBytes(StandardCharsets.UTF_8), r.value()));
        }
        records.add(new ProducerRecord<>(MODELS, "tagger".getBytes(StandardCharsets.UTF_8), badAnnouncement().value()));
        List<RecordMetadata> landed = RawKafka.send(b, records);

        // 2. recorded as a user would, then damaged line by line
        Path recording = dir.resolve("live.jsonl");
        run("record", "--bootstrap", b, "--topic", IN, "--topic", MODELS, "--out", recording.toString());
        List<String> lines = new ArrayList<>(Files.readAllLines(recording, StandardCharsets.UTF_8));
        assertThat(lines).hasSize(records.size());
        List<BadInput> badLines = badLines(lines.get(0));
        for (BadInput l : badLines) {
            lines.add(1 + rng.nextInt(lines.size()), l.text());
        }
        Files.write(recording, lines, StandardCharsets.UTF_8);

        // 3. one replay over all of it
        Path out = dir.resolve("replayed.jsonl");
        run("run", "infer", "--replay", recording.toString(), "--output", out.toString(), "--model", modelFile.toString(),
                "--input-topic", IN, "--model-topic", MODELS, "--parallelism", "2", "--checkpoint-dir", dir.resolve("cp").toString());
        Map<String, String> results = new HashMap<>();
        for (String l : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            JsonNode n = DeadLetters.read(l);
            assertThat(results.put(n.path("stream").asText() + "#" + n.path("seq").asLong(), l)).as("one result for %s", l).isNull();
        }
        List<JsonNode> letters = Files.readAllLines(dir.resolve("replayed.jsonl.dead-letters"), StandardCharsets.UTF_8).stream()
                .map(DeadLetters::read).toList();
        DeadLetters dead = new DeadLetters(letters);

        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            ProducerRecord<byte[], byte[]> r = records.get(i);
            RecordMetadata at = landed.get(i);
            BadInput kind = bad.stream().filter(k -> java.util.Arrays.equals(k.value(), r.value())).findFirst()
                    .orElse(r.topic().equals(MODELS) ? badAnnouncement() : null);
            if (kind != null) {
                tests.add(dynamicTest(kind.name(), () -> dead.assertOneFor(kind, r.topic(), at.partition(), at.offset())));
            }
        }
        for (BadInput l : badLines) {
            int lineNumber = lines.indexOf(l.text()) + 1;
            tests.add(dynamicTest(l.name(), () -> dead.assertOneFor(l, recording.toString(), -1, lineNumber)));
        }
        tests.add(dynamicTest("one dead letter per bad line and bad record, none for a valid one",
                () -> assertThat(dead.count()).isEqualTo(bad.size() + 1 + badLines.size())));
        tests.add(dynamicTest("the valid streams get what they get alone", () -> assertThat(results).isEqualTo(expected(v1, valid))));
        return tests.stream();
    }

    private static Map<String, String> expected(Model model, List<Element> valid) {
        Map<String, String> out = new HashMap<>();
        for (Result r : new OfflinePredictor(model).predict(valid).results()) {
            out.put(r.stream() + "#" + r.seq(), r.toJson());
        }
        return out;
    }

    private static void run(String... args) {
        var cl = Stepwise.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int exit = cl.execute(args);
        assertThat(exit).as(String.join(" ", args) + "\n" + err).isZero();
    }
}
