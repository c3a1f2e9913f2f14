package io.stepwise.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.stepwise.e2e.EmbeddedKafkaExtension;
import io.stepwise.e2e.TaggedExamples;
import io.stepwise.e2e.Workloads;
import io.stepwise.jobs.training.KafkaTraining;
import io.stepwise.jobs.training.TrainingSettings;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelKind;
import io.stepwise.model.ModelLimits;
import io.stepwise.model.ModelMeta;
import io.stepwise.modelstream.ModelAdmission;
import io.stepwise.modelstream.ModelLocations;
import io.stepwise.modelstream.ModelVersionLoader;
import io.stepwise.wire.LabelledExample;
import io.stepwise.wire.ModelAnnouncement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input catalogue of training examples (README, "Bad input"): every kind below produced to the
 * examples topic of a tagger's training job on a real broker, among valid labelled sentences. Each bad
 * record gets one dead letter with its reason and never reaches the kept examples: the versions the job
 * publishes are, weight for weight, those of a second run over the valid examples alone. The kinds
 * include examples that would exhaust a TaskManager's memory if kept (a sentence of a thousand and one
 * tokens, which a batch pads every other sentence to; a megabyte-long record).
 */
class ExamplesCatalogueTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path dir;

    private static BadInput json(String name, String json, String reason) {
        return BadInput.json(name, json, reason);
    }

    static List<BadInput> kinds() {
        String longSentence = "{\"tokens\":[" + "\"dog\",".repeat(1000) + "\"dog\"],\"tags\":[" + "\"NOUN\",".repeat(1000) + "\"NOUN\"]}";
        String megabyte = "{\"tokens\":[\"" + "x".repeat(1 << 20) + "\"],\"tags\":[\"NOUN\"]}";
        String deep = "{\"tokens\":[\"dog\"],\"tags\":[\"NOUN\"],\"meta\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
        return List.of(
                json("not JSON", "the/DET dog/NOUN", "not JSON"),
                json("trailing characters", "{\"tokens\":[\"the\"],\"tags\":[\"DET\"]}}", "trailing characters after the JSON object"),
                json("a field given twice", "{\"tokens\":[\"the\"],\"tags\":[\"DET\"],\"tags\":[\"NOUN\"]}", "'tags' is given twice"),
                BadInput.bytes("invalid UTF-8 in a token", BadInput.spliced("{\"tokens\":[\"d", new byte[]{(byte) 0xC0, (byte) 0xAF}, "g\"],\"tags\":[\"NOUN\"]}"),
                        "the value is not valid UTF-8 (byte 13 of 35)"),
                BadInput.bytes("null value (tombstone)", null, "empty record"),
                json("a JSON array", "[{\"tokens\":[\"the\"],\"tags\":[\"DET\"]}]", "not a JSON object: ARRAY"),
                json("neither tokens nor values", "{\"words\":[\"the\"],\"tags\":[\"DET\"]}", "an example needs 'tokens' with 'tags' (tagger) or 'values' (sum)"),
                json("both tokens and values", "{\"tokens\":[\"the\"],\"tags\":[\"DET\"],\"values\":[1]}", "an example has 'tokens' or 'values', not both"),
                json("tokens without tags", "{\"tokens\":[\"the\",\"dog\"]}", "a tagger example needs 'tags', one per token"),
                json("one tag short", "{\"tokens\":[\"the\",\"dog\"],\"tags\":[\"DET\"]}", "2 tokens but 1 tags"),
                json("tokens is a string", "{\"tokens\":\"the dog\",\"tags\":[\"DET\",\"NOUN\"]}", "'tokens' must be an array, got STRING"),
                json("no tokens at all", "{\"tokens\":[],\"tags\":[]}", "'tokens' is empty"),
                json("a token that is a number", "{\"tokens\":[5],\"tags\":[\"NUM\"]}", "'tokens'[0] must be a non-empty string, got 5"),
                json("an empty token", "{\"tokens\":[\"\"],\"tags\":[\"NOUN\"]}", "'tokens'[0] must be a non-empty string, got \"\""),
                json("a tag of 65 characters", "{\"tokens\":[\"dog\"],\"tags\":[\"" + "N".repeat(65) + "\"]}", "'tags'[0] of 65"),
                json("a sentence of 1,001 tokens (a batch pads to it)", longSentence, "'tokens' has 1001 entries, more than 1000"),
                json("a record of a megabyte", megabyte, "record of " + megabyte.length() + " characters exceeds " + LabelledExample.MAX_RECORD_CHARS),
                json("nesting 5,000 deep", deep, "JSON nested more than 1000 levels deep"),
                json("a sum example for a tagger", "{\"values\":[1,2,3]}", "a sum example ('values') sent to a job that trains a tagger"),
                json("NaN in values", "{\"values\":[NaN]}", "NaN and Infinity are not JSON numbers"),
                json("1e309 in values", "{\"values\":[1e309]}", "'values'[0] Infinity is not a finite number"));
    }

    @TestFactory
    Stream<DynamicTest> everyBadExampleIsDeadLetteredAndTheVersionsTrainedAreThoseOfTheValidExamplesAlone() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        byte[] v1 = ModelFile.toBytes(Workloads.tagger(1, 101));
        List<LabelledExample> good = TaggedExamples.sentences(40, 103);
        List<BadInput> kinds = kinds();

        // the run with the bad examples among the valid ones, and the run without them
        List<ProducerRecord<byte[], byte[]>> mixed = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> alone = new ArrayList<>();
        for (int i = 0; i < good.size(); i++) {
            byte[] key = ("example-" + i).getBytes(StandardCharsets.UTF_8);
            byte[] value = good.get(i).toJson().getBytes(StandardCharsets.UTF_8);
            mixed.add(new ProducerRecord<>("examples-mixed", key, value));
            alone.add(new ProducerRecord<>("examples-alone", key, value));
        }
        SplittableRandom rng = new SplittableRandom(107);
        for (BadInput k : kinds) {
            mixed.add(1 + rng.nextInt(mixed.size()), new ProducerRecord<>("examples-mixed", "bad".getBytes(StandardCharsets.UTF_8), k.value()));
        }
        RawKafka.createTopics(bootstrap, 1, "examples-mixed", "examples-alone");
        List<RecordMetadata> landed = RawKafka.send(bootstrap, mixed);
        RawKafka.send(bootstrap, alone);

        TrainingSettings withBad = train(bootstrap, "mixed", v1);
        TrainingSettings withoutBad = train(bootstrap, "alone", v1);
        List<Model> trainedWithBad = versions(bootstrap, withBad);
        List<Model> trainedAlone = versions(bootstrap, withoutBad);
        DeadLetters dead = DeadLetters.of(RawKafka.readAll(bootstrap, withBad.deadLetterTopic(), kinds.size()));

        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < mixed.size(); i++) {
            ProducerRecord<byte[], byte[]> r = mixed.get(i);
            RecordMetadata at = landed.get(i);
            kinds.stream().filter(k -> k.value() == r.value()).findFirst().ifPresent(k ->
                    tests.add(dynamicTest(k.name(), () -> dead.assertOneFor(k, r.topic(), at.partition(), at.offset()))));
        }
        tests.add(dynamicTest("one dead letter per bad example, none for a valid one", () -> assertThat(dead.count()).isEqualTo(kinds.size())));
        tests.add(dynamicTest("the versions published are those the valid examples alone train", () -> {
            assertThat(trainedWithBad).as("a version every 20 valid examples").hasSize(2);
            assertThat(trainedWithBad).hasSameSizeAs(trainedAlone);
            for (int v = 0; v < trainedWithBad.size(); v++) {
                assertThat(weights(trainedWithBad.get(v))).as("version %d", v + 2).isEqualTo(weights(trainedAlone.get(v)));
            }
        }));
        return tests.stream();
    }

    private TrainingSettings train(String bootstrap, String run, byte[] v1) throws Exception {
        TrainingSettings.Builder b = TrainingSettings.builder().bootstrap(bootstrap).examplesTopic("examples-" + run)
                .modelTopic("models-" + run).kind(ModelKind.TAGGER).name("tagger").modelDir(dir.resolve(run).toUri().toString())
                .startModel(v1).publishEvery(20).publish(TrainingSettings.Publish.ALWAYS).evalFraction(0.25).roundEpochs(2)
                .roundBudget(Duration.ofMinutes(5)).batchSize(8).learningRate(0.02).minCount(1).dataSource("the catalogue's examples");
        b.kafka().groupId("train-" + run).checkpointInterval(Duration.ofMillis(500)).bounded(true);
        TrainingSettings s = b.build();
        StreamExecutionEnvironment env = Catalogue.environment(1);
        KafkaTraining.configure(env, s);
        env.execute("examples catalogue: " + run);
        return s;
    }

    /** The versions {@code s}'s job announced, read from the files they point to. */
    private List<Model> versions(String bootstrap, TrainingSettings s) throws Exception {
        ModelAdmission admission = new ModelAdmission(null, ModelLocations.of(List.of(dir.toString())), ModelLimits.DEFAULTS);
        List<Model> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : RawKafka.readAll(bootstrap, s.modelTopic(), 2)) {
            out.add(ModelVersionLoader.load(ModelAnnouncement.parse(r.value()), admission).model());
        }
        return out;
    }

    /** What a version learned: its file with the identity and provenance left out. */
    private static byte[] weights(Model m) {
        return ModelFile.toBytes(m.withMeta(new ModelMeta(m.name(), m.version(), Map.of())));
    }
}
