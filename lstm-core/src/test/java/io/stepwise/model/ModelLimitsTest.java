package io.stepwise.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.model.ModelFileTest.Parts;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A model file from an untrusted place is read within {@link ModelLimits}: each cap refuses with
 * its own message, before the model it describes is allocated, and a file within the limits loads.
 * The files here carry a valid SHA-256 trailer: what a checksum cannot catch is what limits are for.
 */
class ModelLimitsTest {

    private static final String NAME = "announced.stepwise";

    private static TaggerModel tagger() {
        return new TaggerModel(new ModelMeta("tagger", 3, Map.of()), Vocabulary.withUnknown(List.of("the", "dog", "barks")),
                Vocabulary.closed(List.of("DET", "NOUN", "VERB")), 4, 5, 2).initRandom(3);
    }

    private static SumModel sum() {
        return new SumModel(new ModelMeta("sum", 2, Map.of()), 6, 1, 100f, 100f).initRandom(5);
    }

    private static ModelLimits.Builder limits() {
        return new ModelLimits.Builder();
    }

    /** {@code model}'s file with its header edited and the checksum made valid again. */
    private static byte[] edited(Model model, Consumer<ObjectNode> edit) {
        Parts p = Parts.of(ModelFile.toBytes(model));
        edit.accept(p.header());
        return ModelFileTest.assemble(1, p.header(), p.data());
    }

    private static void assertRefused(byte[] file, ModelLimits limits, String message) {
        assertThatThrownBy(() -> ModelFile.fromBytes(file, NAME, limits))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model file " + NAME + ": " + message);
    }

    @Test
    void aFileWithinTheLimitsLoads() {
        TaggerModel t = tagger();
        byte[] file = ModelFile.toBytes(t);
        long params = t.parameters().asMap().values().stream().mapToLong(p -> p.value().size()).sum();
        // every cap exactly at what this model has
        ModelLimits tight = new ModelLimits(file.length, headerLength(file), 4, 3, 5, 2, 4, params);

        Model read = ModelFile.fromBytes(file, NAME, tight);

        assertThat(read.parameters().stateDict()).isEqualTo(t.parameters().stateDict());
        assertThat(ModelFile.fromBytes(ModelFile.toBytes(sum()), NAME, ModelLimits.DEFAULTS)).isInstanceOf(SumModel.class);
    }

    @Test
    void aFileLargerThanTheLimitIsRefusedBeforeItsChecksumIsComputed() {
        byte[] file = ModelFile.toBytes(sum());
        byte[] damaged = file.clone();
        damaged[100] ^= 1;

        assertRefused(file, ModelLimits.DEFAULTS.withMaxFileBytes(1000), "the file has " + file.length + " bytes, more than the limit of 1000");
        assertRefused(damaged, ModelLimits.DEFAULTS.withMaxFileBytes(1000), "the file has " + file.length + " bytes, more than the limit of 1000");
    }

    @Test
    void aHeaderLargerThanTheLimitIsRefused() {
        byte[] file = ModelFile.toBytes(sum());
        int header = headerLength(file);

        assertRefused(file, limits().maxHeaderBytes(100).build(), "the header has " + header + " bytes, more than the limit of 100");
    }

    /** Ten million words take 30 MB of header; the scan stops at the millionth-and-first, no word is ever kept. */
    @Test
    void aFileClaimingTenMillionWordsIsRefusedByTheScanBeforeAnyWordIsRead() {
        Parts p = Parts.of(ModelFile.toBytes(tagger()));
        String header = p.header().toString();
        int at = header.indexOf("\"words\":[") + "\"words\":[".length();
        ByteArrayOutputStream json = new ByteArrayOutputStream(31 << 20);
        json.writeBytes(header.substring(0, at).getBytes(StandardCharsets.UTF_8));
        byte[] word = "\"\",".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 10_000_000; i++) {
            json.writeBytes(word);
        }
        json.writeBytes(header.substring(at).getBytes(StandardCharsets.UTF_8));
        byte[] file = ModelFileTest.assemble(1, new String(json.toByteArray(), StandardCharsets.UTF_8), p.data());

        assertRefused(file, ModelLimits.DEFAULTS, "the vocabulary has more than 1000000 words, the limit");
    }

    @Test
    void theVocabularyAndTagCapsAreEachTheirOwn() {
        byte[] file = ModelFile.toBytes(tagger());

        assertRefused(file, limits().maxVocabulary(3).build(), "the vocabulary has more than 3 words, the limit");
        assertRefused(file, limits().maxTags(2).build(), "the tag set has more than 2 tags, the limit");
    }

    @Test
    void eachArchitectureCapRefusesWithItsOwnMessage() {
        assertRefused(edited(sum(), h -> arch(h).put("hidden_size", 5000)), ModelLimits.DEFAULTS,
                "architecture.hidden_size is 5000, more than the limit of 4096");
        assertRefused(edited(sum(), h -> arch(h).put("num_layers", 1000)), ModelLimits.DEFAULTS,
                "architecture.num_layers is 1000, more than the limit of 16");
        assertRefused(edited(tagger(), h -> arch(h).put("embedding_dim", 100_000)), ModelLimits.DEFAULTS,
                "architecture.embedding_dim is 100000, more than the limit of 4096");
        assertRefused(edited(tagger(), h -> arch(h).put("input_size", 100_000)), ModelLimits.DEFAULTS,
                "architecture.input_size is 100000, more than the limit of 4096");
        assertRefused(edited(sum(), h -> arch(h).put("hidden_size", 30_000_000_000L)), ModelLimits.NONE,
                "architecture.hidden_size is 30000000000, more than the limit of 2147483647");
    }

    @Test
    void theParameterCountTheArchitectureNeedsIsCappedAndMustFitTheData() {
        TaggerModel t = tagger();
        long params = t.parameters().asMap().values().stream().mapToLong(p -> p.value().size()).sum();

        assertRefused(ModelFile.toBytes(t), limits().maxParameters(params - 1).build(),
                "the architecture needs " + params + " parameters, more than the limit of " + (params - 1));
        // within every cap, yet more than the file holds: 4000 x 4000 weights in a file of a few kilobytes
        byte[] claims = edited(sum(), h -> arch(h).put("hidden_size", 4000));
        int data = Parts.of(claims).data().length;
        assertRefused(claims, ModelLimits.DEFAULTS, "the architecture needs 64052001 parameters (256208004 bytes), but the data "
                + "section holds only " + data + " bytes: the file is truncated or its header is wrong");
    }

    @Test
    void theStreamingTaggersCharacterEncoderAndDelayedHeadsAreCounted() {
        TaggerShape shape = new TaggerShape(4, 5, 1, 3, 6, 8, 2, true);
        TaggerModel t = new TaggerModel(new ModelMeta("tagger", 1, Map.of()), Vocabulary.withUnknown(List.of("the", "dog")),
                Vocabulary.closed(List.of("DET", "NOUN")), Vocabulary.withUnknown(List.of("t", "h", "e", "d", "o", "g")), shape)
                .initRandom(7);
        long params = t.parameters().asMap().values().stream().mapToLong(p -> p.value().size()).sum();
        byte[] file = ModelFile.toBytes(t);

        assertThat(ModelFile.fromBytes(file, NAME, limits().maxParameters(params).build())).isInstanceOf(TaggerModel.class);
        assertRefused(file, limits().maxParameters(params - 1).build(),
                "the architecture needs " + params + " parameters, more than the limit of " + (params - 1));
        assertRefused(edited(t, h -> ((ObjectNode) arch(h).get("characters")).put("hidden_size", 5000)), ModelLimits.DEFAULTS,
                "architecture.characters.hidden_size is 5000, more than the limit of 4096");
    }

    @Test
    void aFileCutShortWithAValidChecksumIsRefusedAsTruncated() {
        Parts p = Parts.of(ModelFile.toBytes(sum()));
        byte[] cut = ModelFileTest.assemble(1, p.header(), Arrays.copyOf(p.data(), p.data().length - 8));

        assertThatThrownBy(() -> ModelFile.fromBytes(cut, NAME, ModelLimits.DEFAULTS))
                .hasMessageStartingWith("model file " + NAME + ": the architecture needs 223 parameters (892 bytes), but the data section")
                .hasMessageEndingWith("the file is truncated or its header is wrong");
    }

    @Test
    void theTensorIndexIsCheckedAgainstTheCapsAndTheDataBeforeAnyTensorIsRead() {
        assertRefused(edited(sum(), h -> shape(h, "linear.weight", 100_000, 100_000)), ModelLimits.DEFAULTS,
                "tensor linear.weight has shape [100000,100000], more than the limit of 67108864 parameters");
        assertRefused(edited(sum(), h -> shape(h, "linear.weight", -1, 6)), ModelLimits.DEFAULTS,
                "tensor linear.weight has shape [-1,6], whose sizes are not all integers from 0 to 2147483647");
        assertRefused(edited(sum(), h -> shape(h, "linear.weight", 1, 3_000_000_000L)), ModelLimits.NONE,
                "tensor linear.weight has shape [1,3000000000], whose sizes are not all integers from 0 to 2147483647");
        assertThatThrownBy(() -> ModelFile.fromBytes(edited(sum(), h -> tensor(h, "linear.bias").put("offset", -4)), NAME))
                .hasMessageContaining("tensor linear.bias at offset -4 (4 bytes) lies outside the data section");
        assertThatThrownBy(() -> ModelFile.fromBytes(edited(sum(), h -> tensor(h, "linear.bias").put("offset", Long.MAX_VALUE)), NAME))
                .hasMessageContaining("tensor linear.bias at offset 9223372036854775807 (4 bytes) lies outside the data section");
        // a shape that fits the data but not the architecture: the model's own check names both
        assertThatThrownBy(() -> ModelFile.fromBytes(edited(sum(), h -> shape(h, "linear.weight", 6, 1)), NAME))
                .hasMessageContaining("tensor linear.weight has shape [6, 1], the architecture needs [1, 6]");
    }

    @Test
    void theTensorIndexTotalIsCappedEvenWhenTheArchitectureFits() {
        SumModel s = sum();
        long params = s.parameters().asMap().values().stream().mapToLong(p -> p.value().size()).sum();
        // one more entry, inside the data, that the architecture does not have: the index lists more than the cap
        byte[] file = edited(s, h -> ((ArrayNode) h.get("tensors")).addObject().put("name", "extra").put("dtype", "float32")
                .put("offset", 0).putArray("shape").add(1));

        assertRefused(file, limits().maxParameters(params).build(), "the tensor index lists more than " + params + " parameters, the limit");
        assertThatThrownBy(() -> ModelFile.fromBytes(file, NAME)).hasMessageContaining("unexpected tensor 'extra'");
    }

    @Test
    void nanAndInfiniteWeightsAreRefused() {
        for (float bad : new float[]{Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            SumModel s = sum();
            s.parameters().get("lstm.weight_hh_l0").value().data()[7] = bad;

            assertRefused(ModelFile.toBytes(s), ModelLimits.DEFAULTS, "tensor lstm.weight_hh_l0 holds " + bad
                    + " at index 7: weights must be finite (the training diverged, or the file was written wrong)");
        }
    }

    @Test
    void anOversizedProvenanceIsRefusedByTheScan() {
        byte[] file = edited(sum(), h -> {
            ArrayNode a = h.putObject("provenance").putArray("noise");
            for (int i = 0; i <= ModelLimits.MAX_OTHER_HEADER_VALUES; i++) {
                a.add(i);
            }
        });

        assertRefused(file, ModelLimits.DEFAULTS, "the header holds more than 100000 JSON values besides its vocabularies "
                + "(an oversized provenance or tensor index)");
    }

    private static int headerLength(byte[] file) {
        return java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(12);
    }

    private static ObjectNode arch(ObjectNode header) {
        return (ObjectNode) header.get("architecture");
    }

    private static ObjectNode tensor(ObjectNode header, String name) {
        for (var t : header.get("tensors")) {
            if (t.get("name").asText().equals(name)) {
                return (ObjectNode) t;
            }
        }
        throw new AssertionError("no tensor " + name);
    }

    private static void shape(ObjectNode header, String name, long... dims) {
        ArrayNode shape = tensor(header, name).putArray("shape");
        for (long d : dims) {
            shape.add(d);
        }
    }
}
