package io.stepwise.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.e2e.EmbeddedKafkaExtension;
import io.stepwise.e2e.Workloads;
import io.stepwise.jobs.inference.InferenceSettings;
import io.stepwise.jobs.inference.KafkaInference;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelMeta;
import io.stepwise.modelstream.ModelSignatures;
import io.stepwise.modelstream.SigningKey;
import io.stepwise.modelstream.TrustedKeys;
import io.stepwise.predict.OfflinePredictor;
import io.stepwise.wire.Element;
import io.stepwise.wire.ElementCodec;
import io.stepwise.wire.ModelAnnouncement;
import io.stepwise.wire.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * The bad-input catalogue of model-version announcements and model files (README, "Bad input"): every
 * kind below produced to the model topic of one inference job run on a real broker, with
 * {@code --trusted-keys} set, one allowed model folder and a 1 MiB file limit, while valid streams are
 * served by the version given with {@code --model}. An announcement that cannot be read is dead-lettered
 * with its coordinates; one that can be read but must not be served (unsigned, a file outside the
 * allowed folders, a forged checksum, a damaged or oversized file…) is rejected with a dead letter
 * naming why, and version 1 keeps serving: the valid streams get exactly what offline prediction with
 * version 1 gives them. Damaged files are signed by the trusted key, so that they reach the file checks
 * (a trusted publisher's bug, or a stolen key, must not crash a job either).
 */
class AnnouncementsCatalogueTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final long T0 = 1_764_390_000_000L;
    private static final long MAX_MODEL_BYTES = 1 << 20;
    private static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");

    @TempDir
    static Path models;

    private static final SigningKey TRUSTED = SigningKey.generate();
    private static final SigningKey STRANGER = SigningKey.generate();

    /**
     * A kind: its record, its reason, and whether it is read as an announcement (then rejected: its
     * dead letter is found by its version, which no other kind uses) or not (found by its coordinates).
     */
    private record Kind(BadInput bad, int version, boolean readable) {
        @Override
        public String toString() {
            return bad.name();
        }
    }

    private static Kind unreadable(String name, String json, String reason) {
        return new Kind(BadInput.json(name, json, reason), -1, false);
    }

    private static Kind rejected(String name, ModelAnnouncement a, String reason) {
        return new Kind(BadInput.json(name, a.toJson(), reason), a.version(), true);
    }

    private static byte[] file(int version) {
        return ModelFile.toBytes(Workloads.tagger(version, 1000 + version));
    }

    private static ModelAnnouncement inline(int version, byte[] file) {
        return ModelAnnouncement.inline("tagger", version, file, ModelFile.sha256Hex(file));
    }

    private static ModelAnnouncement signed(ModelAnnouncement a) {
        return ModelSignatures.sign(a, TRUSTED);
    }

    /** A signed announcement of version {@code version} whose file is {@code file}, inline. */
    private static ModelAnnouncement signedFile(int version, byte[] file) {
        return signed(inline(version, file));
    }

    static List<Kind> kinds() throws Exception {
        String good102 = signedFile(102, file(102)).toJson();
        String sha = ModelFile.sha256Hex(file(103));
        byte[] v120 = file(120);
        ModelAnnouncement signedAs120 = signedFile(120, v120);
        byte[] big = new byte[(int) MAX_MODEL_BYTES + 1];
        Path bigFile = Files.write(models.resolve("tagger-v126.stepwise"), big);
        byte[] v130 = file(130);
        List<Kind> kinds = new ArrayList<>(List.of(
                unreadable("not JSON", "tagger v2 is ready", "model announcement: not JSON"),
                unreadable("trailing characters", good102 + "}", "model announcement: trailing characters after the JSON object"),
                unreadable("a field given twice", "{\"model\":\"tagger\",\"version\":103,\"version\":104,\"sha256\":\"" + sha + "\",\"uri\":\"file:///x\"}",
                        "'version' is given twice"),
                new Kind(BadInput.bytes("invalid UTF-8 in the model name", BadInput.spliced("{\"model\":\"tagg", new byte[]{(byte) 0xFF},
                        "er\",\"version\":104,\"sha256\":\"" + sha + "\",\"uri\":\"file:///x\"}"), "the value is not valid UTF-8 (byte 14"), -1, false),
                unreadable("no model name", "{\"version\":105,\"sha256\":\"" + sha + "\",\"uri\":\"file:///x\"}", "model announcement lacks a 'model' name"),
                unreadable("version 0", "{\"model\":\"tagger\",\"version\":0,\"sha256\":\"" + sha + "\",\"uri\":\"file:///x\"}",
                        "needs an integer 'version' >= 1, got 0"),
                unreadable("version is a string", "{\"model\":\"tagger\",\"version\":\"106\",\"sha256\":\"" + sha + "\",\"uri\":\"file:///x\"}",
                        "needs an integer 'version' >= 1, got \"106\""),
                unreadable("version past 2^31", "{\"model\":\"tagger\",\"version\":2147483648,\"sha256\":\"" + sha + "\",\"uri\":\"file:///x\"}",
                        "needs an integer 'version' >= 1, got 2147483648"),
                unreadable("sha256 not 64 lower-case hex digits", "{\"model\":\"tagger\",\"version\":107,\"sha256\":\"" + sha.toUpperCase() + "\",\"uri\":\"file:///x\"}",
                        "needs 'sha256': 64 lower-case hex digits"),
                unreadable("no sha256", "{\"model\":\"tagger\",\"version\":107,\"uri\":\"file:///x\"}", "needs 'sha256': 64 lower-case hex digits, got none"),
                unreadable("both uri and inline", "{\"model\":\"tagger\",\"version\":108,\"sha256\":\"" + sha + "\",\"uri\":\"file:///x\",\"inline\":\"AAAA\"}",
                        "needs exactly one of 'uri' and 'inline'"),
                unreadable("neither uri nor inline", "{\"model\":\"tagger\",\"version\":108,\"sha256\":\"" + sha + "\"}",
                        "needs exactly one of 'uri' and 'inline'"),
                unreadable("uri is a number", "{\"model\":\"tagger\",\"version\":108,\"sha256\":\"" + sha + "\",\"uri\":7}",
                        "'uri' must be a string, got NUMBER"),
                unreadable("signature not an Ed25519 signature", "{\"model\":\"tagger\",\"version\":109,\"sha256\":\"" + sha
                        + "\",\"uri\":\"file:///x\",\"signature\":\"c2lnbmVk\"}", "'signature' must be the base64 of a 64-byte Ed25519 signature"),
                unreadable("a JSON array", "[" + good102 + "]", "not a JSON object"),
                new Kind(BadInput.bytes("null value (tombstone)", null, "empty record"), -1, false),

                rejected("unsigned, with --trusted-keys set", inline(110, file(110)), "model tagger v110 is not signed"),
                rejected("signed by a key that is not trusted", ModelSignatures.sign(inline(111, file(111)), STRANGER),
                        "model tagger v111 is signed by key"),
                rejected("a signature replayed under another version", new ModelAnnouncement("tagger", 121, signedAs120.sha256(), null,
                        signedAs120.inline(), null, signedAs120.signature(), signedAs120.keyId()),
                        "does not verify: the model name, version or file SHA-256 differ from what was signed"),
                rejected("uri file:///etc/passwd", signed(ModelAnnouncement.at("tagger", 122, "file:///etc/passwd", sha)),
                        "model URI file:///etc/passwd is outside the allowed model locations"),
                rejected("uri climbing out of the allowed folder", signed(ModelAnnouncement.at("tagger", 123,
                        models.toUri() + "../../../etc/passwd", sha)), "/../../../etc/passwd' climbs out of its folder with '..'"),
                rejected("uri of another scheme", signed(ModelAnnouncement.at("tagger", 124, "http://example.com/tagger.stepwise", sha)),
                        "model URI http://example.com/tagger.stepwise is outside the allowed model locations"),
                rejected("forged checksum (the SHA-256 of another file)", signed(new ModelAnnouncement("tagger", 125, ModelFile.sha256Hex(file(125)),
                        null, Base64.getEncoder().encodeToString(file(102)), null)), "SHA-256 mismatch (announced "),
                rejected("a file over --max-model-bytes, by uri", signed(ModelAnnouncement.at("tagger", 126, bigFile.toUri().toString(),
                        ModelFile.sha256Hex(big))), "has " + (MAX_MODEL_BYTES + 1) + " bytes, more than the limit of " + MAX_MODEL_BYTES + " (--max-model-bytes)"),
                rejected("a file over --max-model-bytes, inline", signedFile(127, big), "the inline file has about " + (MAX_MODEL_BYTES + 2)
                        + " bytes, more than the limit of " + MAX_MODEL_BYTES),
                rejected("a file that is not there", signed(ModelAnnouncement.at("tagger", 128, models.resolve("missing.stepwise").toUri().toString(), sha)),
                        "missing.stepwise does not exist"),
                rejected("inline not base64", signed(new ModelAnnouncement("tagger", 129, sha, null, "not*base64*at*all", null)),
                        "'inline' is not base64"),
                rejected("a truncated file", signedFile(130, Arrays.copyOf(v130, v130.length / 2)), "the file is truncated or altered"),
                rejected("not a model file at all", signedFile(131, "just some text, not a model".getBytes(StandardCharsets.UTF_8)),
                        "not a Stepwise model file (it does not start with STEPWISE)"),
                rejected("a damaged file (its own checksum wrong)", signedFile(132, damagedTrailer(file(132))), "the file is truncated or altered"),
                rejected("a header claiming a 10-million-word vocabulary", signedFile(133, ModelFiles.rebuilt(file(133), h -> {
                    ArrayNode tensors = (ArrayNode) h.get("tensors");
                    ((ArrayNode) tensors.get(0).get("shape")).set(0, 10_000_000);
                }, d -> { })), "tensor word_embeddings.weight has shape [10000000,8], more than the limit of 262144 parameters"),
                rejected("NaN weights", signedFile(134, ModelFiles.rebuilt(file(134), h -> { }, d -> d.putFloat(0, Float.NaN))),
                        "tensor word_embeddings.weight holds NaN at index 0: weights must be finite"),
                rejected("a tensor of the wrong shape", signedFile(135, ModelFiles.rebuilt(file(135), h -> {
                    ObjectNode hh = (ObjectNode) h.get("tensors").get(2);
                    ((ArrayNode) hh.get("shape")).set(1, 13);
                }, d -> { })), "tensor lstm.weight_hh_l0 has shape [48, 13], the architecture needs [48, 12]"),
                rejected("a file of another model than announced", signedFile(136, ModelFile.toBytes(
                        Workloads.tagger(136, 7).withMeta(new ModelMeta("other", 136, Map.of())))), "is other v136, but the announcement says tagger v136")));
        return kinds;
    }

    private static byte[] damagedTrailer(byte[] file) {
        byte[] out = file.clone();
        out[out.length - 32] ^= 1; // the trailer's first byte
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyBadAnnouncementIsRefusedWithItsReasonAndVersionOneKeepsServing() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        Model v1 = Workloads.tagger(1, 91);
        List<Element> chats = new ArrayList<>();
        List<Element> sentences = Workloads.sentences(6, 3, 1, 93);
        for (int i = 0; i < sentences.size(); i++) {
            Element e = sentences.get(i);
            chats.add(new Element(e.stream(), e.seq(), T0 + i, e.token(), e.value(), e.end()));
        }
        InferenceSettings.Builder b = InferenceSettings.builder().bootstrap(bootstrap).inputTopic("ann-in")
                .outputTopic("ann-out").modelTopic("ann-models").initialModel(ModelFile.toBytes(v1));
        b.kafka().groupId("ann").checkpointInterval(Duration.ofMillis(500)).bounded(true);
        b.serving().trustedKeys(TrustedKeys.of(TRUSTED.publicKey())).allowModelUri(models.toString()).maxModelBytes(MAX_MODEL_BYTES);
        InferenceSettings s = b.build();
        RawKafka.createTopics(bootstrap, 2, s.inputTopic());
        RawKafka.createTopics(bootstrap, 1, s.modelTopic());

        List<Kind> kinds = kinds();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Element e : chats) {
            records.add(new ProducerRecord<>(s.inputTopic(), e.stream().getBytes(StandardCharsets.UTF_8), ElementCodec.write(e).getBytes(StandardCharsets.UTF_8)));
        }
        int firstAnnouncement = records.size();
        for (Kind k : kinds) {
            records.add(new ProducerRecord<>(s.modelTopic(), "tagger".getBytes(StandardCharsets.UTF_8), k.bad().value()));
        }
        List<RecordMetadata> landed = RawKafka.send(bootstrap, records);

        StreamExecutionEnvironment env = Catalogue.environment(2);
        KafkaInference.configure(env, s);
        env.execute("announcements catalogue");

        Map<String, String> results = new HashMap<>();
        for (ConsumerRecord<String, String> r : RawKafka.readAll(bootstrap, s.outputTopic(), chats.size())) {
            JsonNode n = DeadLetters.read(r.value());
            assertThat(results.put(n.path("stream").asText() + "#" + n.path("seq").asLong(), r.value())).isNull();
        }
        List<JsonNode> letters = RawKafka.readAll(bootstrap, s.deadLetterTopic(), kinds.size()).stream()
                .map(r -> DeadLetters.read(r.value())).toList();
        DeadLetters dead = new DeadLetters(letters);

        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            Kind k = kinds.get(i);
            RecordMetadata at = landed.get(firstAnnouncement + i);
            if (k.readable()) {
                tests.add(dynamicTest(k.bad().name(), () -> {
                    List<JsonNode> mine = letters.stream().filter(l -> versionOf(l) == k.version()).toList();
                    assertThat(mine).as("dead letters of version %d", k.version()).hasSize(1);
                    assertThat(mine.get(0).path("error").asText()).startsWith("model announcement rejected: ").contains(k.bad().reason());
                }));
            } else {
                tests.add(dynamicTest(k.bad().name(), () -> dead.assertOneFor(k.bad(), s.modelTopic(), at.partition(), at.offset())));
            }
        }
        tests.add(dynamicTest("one dead letter per bad announcement, no more",
                () -> assertThat(dead.count()).isEqualTo(kinds.size())));
        tests.add(dynamicTest("version 1 keeps serving: the valid streams get what they get alone", () -> {
            Map<String, String> expected = new HashMap<>();
            for (Result r : new OfflinePredictor(v1).predict(chats).results()) {
                expected.put(r.stream() + "#" + r.seq(), r.toJson());
            }
            assertThat(results).isEqualTo(expected);
        }));
        return tests.stream();
    }

    /** The version of the announcement a rejection's letter holds (its value may be cut short: read it from the text). */
    private static int versionOf(JsonNode letter) {
        if (!letter.path("error").asText().startsWith("model announcement rejected")) {
            return -1;
        }
        Matcher m = VERSION.matcher(letter.path("value").asText());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
