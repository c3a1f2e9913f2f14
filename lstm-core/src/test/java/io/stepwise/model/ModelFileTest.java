package io.stepwise.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.lstm.LstmState;
import io.stepwise.tensor.Gemm;
import io.stepwise.testing.Fixtures;
import io.stepwise.torch.JsonTensors;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "tagger-v4.stepwise";
    private static final List<String> SENTENCE = List.of("the", "dog", "saw", "a", "zebra", "the");

    private static TaggerModel tagger() {
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("data", "two sentences");
        provenance.put("seed", 42);
        provenance.put("epochs", 300);
        provenance.put("learning_rate", 0.1);
        provenance.put("dev_accuracy", List.of(0.5, 0.75));
        provenance.put("platform", Map.of("os", "Linux", "java_version", "17"));
        provenance.put("note", null);
        return new TaggerModel(new ModelMeta("tagger", 4, provenance),
                Vocabulary.withUnknown(List.of("the", "dog", "saw", "a", "cat")), Vocabulary.closed(List.of("DET", "NN", "V")),
                5, 7, 2).initRandom(42);
    }

    private static SumModel sum() {
        return new SumModel(new ModelMeta("sum", 2, Map.of("seed", 7, "max_len", 256)), 6, 2, 100f, 0.03f).initRandom(7);
    }

    @Test
    void taggerRoundTripKeepsWeightsVocabulariesMetaAndOutputs() {
        TaggerModel original = tagger();

        Model read = ModelFile.fromBytes(ModelFile.toBytes(original), NAME);

        assertThat(read).isInstanceOf(TaggerModel.class);
        TaggerModel copy = (TaggerModel) read;
        assertThat(copy.kind()).isEqualTo(ModelKind.TAGGER);
        assertThat(copy.meta()).isEqualTo(original.meta());
        assertThat(copy.words()).isEqualTo(original.words());
        assertThat(copy.words().unknown()).isEqualTo(Vocabulary.UNKNOWN);
        assertThat(copy.tags()).isEqualTo(original.tags());
        assertThat(copy.lstmConfig()).isEqualTo(original.lstmConfig());
        assertThat(copy.embeddingDim()).isEqualTo(original.embeddingDim());
        assertThat(copy.parameters().stateDict()).isEqualTo(original.parameters().stateDict());
        assertThat(copy.tag(SENTENCE)).isEqualTo(original.tag(SENTENCE));
        assertThat(stepwiseLogProbs(copy, SENTENCE)).isEqualTo(stepwiseLogProbs(original, SENTENCE));
    }

    @Test
    void sumRoundTripKeepsWeightsScalingMetaAndOutputs() {
        SumModel original = sum();
        double[] values = {3, -50, 99, 0, -100, 12.5};

        SumModel copy = (SumModel) ModelFile.fromBytes(ModelFile.toBytes(original), "sum-v2.stepwise");

        assertThat(copy.meta()).isEqualTo(original.meta());
        assertThat(copy.inputScale()).isEqualTo(original.inputScale());
        assertThat(copy.targetScale()).isEqualTo(original.targetScale());
        assertThat(copy.lstmConfig()).isEqualTo(original.lstmConfig());
        assertThat(copy.parameters().stateDict()).isEqualTo(original.parameters().stateDict());
        assertThat(copy.runningSums(values)).containsExactly(original.runningSums(values));
    }

    @Test
    void writeReplacesTheFileAtomicallyAndLeavesNoTemporaryFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(NAME);
        ModelFile.write(sum(), file);
        TaggerModel t = tagger();

        ModelFile.write(t, file);

        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(file);
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(ModelFile.toBytes(t));
        assertThat(((TaggerModel) ModelFile.read(file)).tag(SENTENCE)).isEqualTo(t.tag(SENTENCE));
    }

    @Test
    void sameModelGivesTheSameBytesAndTheirSha256() {
        byte[] a = ModelFile.toBytes(tagger());
        byte[] b = ModelFile.toBytes(tagger());

        assertThat(a).isEqualTo(b);
        assertThat(ModelFile.sha256Hex(a)).isEqualTo(ModelFile.sha256Hex(b)).hasSize(64).matches("[0-9a-f]+");
        assertThat(ModelFile.sha256Hex(a)).isNotEqualTo(ModelFile.sha256Hex(ModelFile.toBytes(sum())));
    }

    @Test
    void sha256HexMatchesTheStandardTestVector() {
        // FIPS 180-2, appendix B.1: SHA-256("abc")
        assertThat(ModelFile.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void aFlippedByteAnywhereAfterTheMagicIsRefusedWithTheChecksumMessage() {
        byte[] good = ModelFile.toBytes(tagger());

        for (int i = ModelFile.MAGIC.length; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            int at = i;
            assertThatThrownBy(() -> ModelFile.fromBytes(bad, NAME))
                    .as("byte %d of %d flipped", at, good.length)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("model file " + NAME + ": SHA-256 mismatch (recorded ")
                    .hasMessageEndingWith("): the file is truncated or altered");
        }
    }

    @Test
    void aTruncatedFileIsRefused() {
        byte[] good = ModelFile.toBytes(sum());

        for (int n = 0; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            int len = n;
            assertThatThrownBy(() -> ModelFile.fromBytes(cut, NAME))
                    .as("cut to %d of %d bytes", len, good.length)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("model file " + NAME + ": ")
                    .hasMessageContaining("truncated");
        }
        assertThatThrownBy(() -> ModelFile.fromBytes(Arrays.copyOf(good, good.length - 1), NAME))
                .hasMessageContaining("SHA-256 mismatch");
        assertThatThrownBy(() -> ModelFile.fromBytes(Arrays.copyOf(good, good.length / 2), NAME))
                .hasMessageContaining("SHA-256 mismatch");
    }

    @Test
    void aFileWithoutTheMagicIsNotAModelFile(@TempDir Path dir) throws Exception {
        byte[] notModel = "PK\u0003\u0004 a zip, not a model".getBytes(StandardCharsets.ISO_8859_1);
        Path file = dir.resolve("weights.npz");
        Files.write(file, notModel);

        assertThatThrownBy(() -> ModelFile.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model file weights.npz: not a Stepwise model file (it does not start with STEPWISE)");

        byte[] good = ModelFile.toBytes(sum());
        for (int i = 0; i < ModelFile.MAGIC.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x20;
            assertThatThrownBy(() -> ModelFile.fromBytes(bad, NAME)).hasMessageContaining("not a Stepwise model file");
        }
    }

    // ---- files with a valid checksum but contents this version cannot use ----------------------

    @Test
    void anUnknownFormatVersionIsRefused() {
        byte[] good = ModelFile.toBytes(tagger());
        Parts p = Parts.of(good);

        assertThatThrownBy(() -> ModelFile.fromBytes(assemble(2, p.header, p.data), NAME))
                .hasMessageStartingWith("model file " + NAME + ": format version 2 is not supported");
    }

    @Test
    void theDocumentedLayoutAssembledByHandLoads() {
        TaggerModel t = tagger();
        Parts p = Parts.of(ModelFile.toBytes(t));

        // no padding after the header: the reader must follow the header length, not assume alignment
        TaggerModel copy = (TaggerModel) ModelFile.fromBytes(assemble(1, p.header.toString(), p.data), NAME);

        assertThat(copy.tag(SENTENCE)).isEqualTo(t.tag(SENTENCE));
    }

    @Test
    void anUnknownKindIsRefused() {
        assertRefused(tagger(), h -> h.put("kind", "translator"), "unknown model kind 'translator'; expected tagger or sum");
    }

    @Test
    void aMissingTensorIsRefused() {
        assertRefused(tagger(), h -> removeTensor(h, "hidden2tag.bias"), "tensor hidden2tag.bias is missing");
    }

    @Test
    void aMisshapedTensorIsRefused() {
        assertRefused(sum(), h -> {
            ObjectNode t = tensorEntry(h, "linear.weight");
            ArrayNode shape = t.putArray("shape");
            shape.add(6).add(1);
        }, "tensor linear.weight has shape [6, 1], the architecture needs [1, 6]");
    }

    @Test
    void anArchitectureThatDoesNotFitTheTensorsIsRefused() {
        assertRefused(tagger(), h -> ((ObjectNode) h.get("architecture")).put("num_layers", 1),
                "unexpected tensor 'lstm.weight_ih_l1'");
    }

    @Test
    void aTensorOutsideTheDataIsRefused() {
        assertRefused(sum(), h -> tensorEntry(h, "linear.bias").put("offset", 1 << 20), "tensor linear.bias at offset 1048576");
    }

    @Test
    void anUnsupportedDtypeIsRefused() {
        assertRefused(sum(), h -> tensorEntry(h, "linear.bias").put("dtype", "float16"),
                "tensor linear.bias has dtype float16; only float32 is supported");
    }

    private static void assertRefused(Model model, Consumer<ObjectNode> edit, String message) {
        Parts p = Parts.of(ModelFile.toBytes(model));
        edit.accept(p.header);
        byte[] bytes = assemble(1, p.header.toString(), p.data);

        assertThatThrownBy(() -> ModelFile.fromBytes(bytes, NAME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("model file " + NAME + ": " + message);
    }

    private static ObjectNode tensorEntry(ObjectNode header, String name) {
        for (JsonNode t : header.get("tensors")) {
            if (t.get("name").asText().equals(name)) {
                return (ObjectNode) t;
            }
        }
        throw new AssertionError("no tensor " + name + " in " + header.get("tensors"));
    }

    private static void removeTensor(ObjectNode header, String name) {
        ArrayNode index = (ArrayNode) header.get("tensors");
        for (int i = 0; i < index.size(); i++) {
            if (index.get(i).get("name").asText().equals(name)) {
                index.remove(i);
                return;
            }
        }
        throw new AssertionError("no tensor " + name);
    }

    /** A model file split along the layout docs/model-format.md describes. */
    record Parts(ObjectNode header, byte[] data) {
        static Parts of(byte[] file) {
            ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
            int headerLen = b.getInt(12);
            try {
                ObjectNode header = (ObjectNode) JSON.readTree(new String(file, 16, headerLen, StandardCharsets.UTF_8));
                return new Parts(header, Arrays.copyOfRange(file, 16 + headerLen, file.length - 32));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Magic, format version, header length, header, data, and the SHA-256 of all of them. */
    static byte[] assemble(int formatVersion, Object header, byte[] data) {
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(16 + h.length + data.length + 32).order(ByteOrder.LITTLE_ENDIAN);
        b.put("STEPWISE".getBytes(StandardCharsets.US_ASCII)).putInt(formatVersion).putInt(h.length).put(h).put(data);
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b.array(), 0, b.position());
            b.put(md.digest());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return b.array();
    }

    // ---- the golden file ----------------------------------------------------------------------

    /**
     * A file written by format version 1 (by {@link GoldenModelFiles}, from PyTorch's trained
     * tutorial weights) still loads and predicts what PyTorch predicted with those weights.
     */
    @Test
    void goldenTutorialTaggerStillPredictsWhatPyTorchPredicted() throws Exception {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream(GoldenModelFiles.TUTORIAL_TAGGER)) {
            assertThat(in).as("golden file on the test classpath").isNotNull();
            bytes = in.readAllBytes();
        }
        JsonNode fixture = Fixtures.load("tagger_train.json");

        TaggerModel golden = (TaggerModel) ModelFile.fromBytes(bytes, "tutorial-tagger-v1.stepwise");

        assertThat(golden.meta().name()).isEqualTo("tutorial-tagger");
        assertThat(golden.meta().version()).isEqualTo(1);
        assertThat(golden.meta().provenance()).containsKey("weights");
        assertThat(golden.words().entries()).isEqualTo(GoldenModelFiles.byIndex(fixture.get("word_to_ix")));
        assertThat(golden.tags().entries()).isEqualTo(GoldenModelFiles.byIndex(fixture.get("tag_to_ix")));
        JsonNode predictions = fixture.get("float32").get("predictions");
        assertThat(predictions.size()).isPositive();
        Gemm gemm = new Gemm();
        predictions.fields().forEachRemaining(p -> {
            List<String> words = List.of(p.getKey().split(" "));
            float[] expected = JsonTensors.floats(p.getValue().get("tag_scores"));
            List<String> expectedTags = new ArrayList<>();
            p.getValue().get("tags").forEach(t -> expectedTags.add(t.asText()));

            float[] whole = golden.forward(new int[][]{words.stream().mapToInt(golden::wordIndex).toArray()}, gemm).logProbs;
            float[] stepwise = stepwiseLogProbs(golden, words);

            assertThat(whole).as(p.getKey()).containsExactly(expected, within(1e-4f));
            assertThat(stepwise).as(p.getKey()).containsExactly(expected, within(1e-4f));
            assertThat(golden.tag(words).stream().map(Prediction.Tag::tag).toList()).as(p.getKey()).isEqualTo(expectedTags);
        });
    }

    /**
     * A streaming tagger's file (character features, delay 2, lower-cased lookup; written by
     * {@link GoldenModelFiles} from make_char_tagger.py's weights) has the header docs/model-format.md
     * describes, and loads as the model that predicts every head as PyTorch did.
     */
    @Test
    void goldenStreamingTaggerHasTheDocumentedHeaderAndPredictsWhatPyTorchPredicted() throws Exception {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream(GoldenModelFiles.STREAMING_TAGGER)) {
            assertThat(in).as("golden file on the test classpath").isNotNull();
            bytes = in.readAllBytes();
        }
        JsonNode cs = Fixtures.load("char_tagger.json").get("cases").get(0);
        JsonNode config = cs.get("config");
        int headerLen = ByteBuffer.wrap(bytes, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        JsonNode header = JSON.readTree(new String(bytes, 16, headerLen, StandardCharsets.UTF_8));

        TaggerModel golden = (TaggerModel) ModelFile.fromBytes(bytes, "streaming-tagger-v1.stepwise");

        JsonNode arch = header.get("architecture");
        assertThat(arch.get("input_size").asInt()).isEqualTo(5 + 2 * 4);
        assertThat(arch.get("characters").toString()).isEqualTo("{\"char_dim\":3,\"hidden_size\":4,\"max_chars\":8,\"bidirectional\":true}");
        assertThat(arch.get("delay").asInt()).isEqualTo(2);
        JsonNode v = header.get("vocabularies");
        assertThat(v.get("characters")).isEqualTo(config.get("characters"));
        assertThat(v.get("unknown_character").asText()).isEqualTo("<unk>");
        assertThat(v.get("lowercase").asBoolean()).isTrue();
        List<String> tensors = new ArrayList<>();
        header.get("tensors").forEach(t -> tensors.add(t.get("name").asText()));
        List<String> stateDict = new ArrayList<>();
        cs.get("weights").fieldNames().forEachRemaining(stateDict::add);
        assertThat(tensors).isEqualTo(stateDict);

        assertThat(golden.shape()).isEqualTo(new TaggerShape(5, 6, 1, 3, 4, 8, 2, true));
        assertThat(golden.characters().characters().entries()).isEqualTo(GoldenModelFiles.strings(config.get("characters")));
        assertThat(golden.parameters().stateDict()).isEqualTo(JsonTensors.stateDict(cs.get("weights")));
        JsonNode ref = cs.get("float32");
        List<List<String>> sentences = new ArrayList<>();
        cs.get("sentences").forEach(s -> sentences.add(GoldenModelFiles.strings(s)));
        List<List<String>> finalTags = new ArrayList<>();
        ref.get("final_tags").forEach(s -> finalTags.add(GoldenModelFiles.strings(s)));
        assertThat(golden.finalTags(sentences).stream().map(s -> s.stream().map(Prediction.Tag::tag).toList()).toList())
                .isEqualTo(finalTags);
        for (int b = 0; b < sentences.size(); b++) {
            List<String> words = sentences.get(b);
            assertThat(stepwiseLogProbs(golden, words)).as("head 0, sentence %d", b)
                    .containsExactly(JsonTensors.floats(ref.get("log_probs").get(0).get(b)), within(1e-5f));
            TaggerBatchPass pass = golden.forward(new int[][]{words.stream().mapToInt(golden::wordIndex).toArray()},
                    new String[][]{words.toArray(String[]::new)}, new Gemm(), null);
            assertThat(pass.logProbs).as("head 0 (training pass), sentence %d", b)
                    .containsExactly(JsonTensors.floats(ref.get("log_probs").get(0).get(b)), within(1e-5f));
            for (int d = 1; d <= golden.delay(); d++) {
                for (int t = 0; t + d < words.size(); t++) {
                    assertThat(pass.bestTag(d, t, 0)).as("head %d word %d of sentence %d", d, t, b)
                            .isEqualTo(argmax(JsonTensors.doubles(ref.get("log_probs").get(d).get(b).get(t))));
                }
            }
        }
    }

    @Test
    void streamingTaggerRoundTripKeepsItsShapeCharactersAndOutputs() {
        TaggerModel original = new TaggerModel(new ModelMeta("streaming", 2, Map.of()), Vocabulary.withUnknown(List.of("the", "dog")),
                Vocabulary.closed(List.of("DET", "NN")), new Vocabulary(List.of("?", "t", "h", "e"), "?"),
                new TaggerShape(3, 4, 1, 2, 3, 6, 3, true)).initRandom(5);

        TaggerModel copy = (TaggerModel) ModelFile.fromBytes(ModelFile.toBytes(original), "streaming-v2.stepwise");

        assertThat(copy.shape()).isEqualTo(original.shape());
        assertThat(copy.characters().characters()).isEqualTo(original.characters().characters());
        assertThat(copy.parameters().stateDict()).isEqualTo(original.parameters().stateDict());
        List<List<String>> sentences = List.of(List.of("The", "dog", "zebras", "the"), List.of("dog"));
        assertThat(copy.finalTags(sentences)).isEqualTo(original.finalTags(sentences));
        assertThat(stepwiseLogProbs(copy, sentences.get(0))).isEqualTo(stepwiseLogProbs(original, sentences.get(0)));
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int j = 1; j < v.length; j++) {
            if (v[j] > v[best]) {
                best = j;
            }
        }
        return best;
    }

    private static float[] stepwiseLogProbs(TaggerModel model, List<String> words) {
        TaggerModel.Stepper s = model.newStepper();
        LstmState state = LstmState.zeros(model.lstmConfig());
        int k = model.tags().size();
        float[] out = new float[words.size() * k];
        for (int i = 0; i < words.size(); i++) {
            s.step(words.get(i), state);
            System.arraycopy(s.lastLogProbabilities(), 0, out, i * k, k);
        }
        return out;
    }
}
