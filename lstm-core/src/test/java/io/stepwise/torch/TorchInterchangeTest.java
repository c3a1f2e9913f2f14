package io.stepwise.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.lstm.LstmState;
import io.stepwise.model.ModelKind;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.model.Prediction;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.TaggerShape;
import io.stepwise.model.Vocabulary;
import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.Tensor;
import io.stepwise.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchInterchangeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelMeta META = new ModelMeta("imported", 1, Map.of("source", "test"));

    @TempDir
    Path dir;

    // ---- a state dict from PyTorch reproduces PyTorch's outputs -------------------------------

    @Test
    void tutorialTaggerImportedFromItsStateDictPredictsWhatPyTorchPredicted() throws IOException {
        JsonNode fixture = Fixtures.load("tagger_train.json");
        Path npz = dir.resolve("tagger.npz");
        Npz.write(JsonTensors.stateDict(fixture.get("float32").get("final_weights")), npz);
        ObjectNode config = JSON.createObjectNode();
        config.set("word_to_ix", fixture.get("word_to_ix"));
        config.set("tag_to_ix", fixture.get("tag_to_ix"));
        Path configFile = write(config, "tagger.json");

        TaggerModel model = (TaggerModel) TorchInterchange.importStateDict(npz, ModelKind.TAGGER, configFile, META);

        assertThat(model.meta()).isEqualTo(META);
        assertThat(model.words().unknown()).isNull();
        Gemm gemm = new Gemm();
        JsonNode predictions = fixture.get("float32").get("predictions");
        assertThat(predictions.size()).isPositive();
        predictions.fields().forEachRemaining(p -> {
            List<String> words = List.of(p.getKey().split(" "));
            List<String> tags = new ArrayList<>();
            p.getValue().get("tags").forEach(t -> tags.add(t.asText()));

            float[] scores = model.forward(new int[][]{words.stream().mapToInt(model::wordIndex).toArray()}, gemm).logProbs;

            assertThat(scores).as(p.getKey()).containsExactly(JsonTensors.floats(p.getValue().get("tag_scores")), within(1e-4f));
            assertThat(model.tag(words).stream().map(Prediction.Tag::tag).toList()).as(p.getKey()).isEqualTo(tags);
        });
    }

    @Test
    void sumRegressorImportedFromItsStateDictGivesPyTorchsOutput() throws IOException {
        for (JsonNode cs : Fixtures.load("grad_sum_regression.json").get("cases")) {
            double divisor = cs.get("input_scale_divisor").asDouble();
            Path npz = dir.resolve(cs.get("name").asText() + ".npz");
            Npz.write(JsonTensors.stateDict(cs.get("weights")), npz);
            ObjectNode config = JSON.createObjectNode().put("input_scale", divisor).put("target_scale", divisor);

            SumModel model = (SumModel) TorchInterchange.importStateDict(npz, ModelKind.SUM, write(config, "sum.json"), META);

            // the fixture's network saw ints / divisor and predicted sum / divisor
            double reference = cs.get("float32").get("output").get(0).asDouble();
            double[] running = model.runningSums(JsonTensors.doubles(cs.get("ints")));
            double last = running[running.length - 1] / divisor;
            assertThat(last).as(cs.get("name").asText()).isCloseTo(reference, within(1e-4 * Math.max(1, Math.abs(reference))));
        }
    }

    // ---- export, then import, gives the same model --------------------------------------------

    @Test
    void exportedTaggerImportsAsTheSameModel() throws IOException {
        TaggerModel original = new TaggerModel(META, Vocabulary.withUnknown(List.of("a", "b", "c")),
                Vocabulary.closed(List.of("X", "Y")), 4, 5, 2).initRandom(11);
        Path npz = dir.resolve("out.npz");

        TorchInterchange.exportStateDict(original, npz);
        TorchInterchange.writeConfig(original, TorchInterchange.defaultConfigPath(npz));
        TaggerModel back = (TaggerModel) TorchInterchange.importStateDict(npz, ModelKind.TAGGER,
                dir.resolve("out.config.json"), META);

        assertThat(new ArrayList<>(Npz.read(npz).keySet())).isEqualTo(new ArrayList<>(original.parameters().stateDict().keySet()));
        assertThat(back.parameters().stateDict()).isEqualTo(original.parameters().stateDict());
        assertThat(back.words()).isEqualTo(original.words());
        assertThat(back.words().unknown()).isEqualTo(Vocabulary.UNKNOWN);
        assertThat(back.tags()).isEqualTo(original.tags());
        assertThat(back.lstmConfig()).isEqualTo(original.lstmConfig());
        List<String> sentence = List.of("a", "never-seen", "c");
        assertThat(back.tag(sentence)).isEqualTo(original.tag(sentence));
    }

    @Test
    void exportedSumModelImportsWithItsScaling() throws IOException {
        SumModel original = new SumModel(META, 3, 1, 100f, 0.07f).initRandom(5);
        Path npz = dir.resolve("sum.npz");

        TorchInterchange.exportStateDict(original, npz);
        TorchInterchange.writeConfig(original, TorchInterchange.defaultConfigPath(npz));
        SumModel back = (SumModel) TorchInterchange.importStateDict(npz, ModelKind.SUM, dir.resolve("sum.config.json"), META);

        assertThat(back.parameters().stateDict()).isEqualTo(original.parameters().stateDict());
        assertThat(back.inputScale()).isEqualTo(original.inputScale());
        assertThat(back.targetScale()).isEqualTo(original.targetScale());
        double[] values = {5, -7, 12};
        assertThat(back.runningSums(values)).containsExactly(original.runningSums(values));
    }

    @Test
    void defaultConfigPathSitsBesideTheWeights() {
        assertThat(TorchInterchange.defaultConfigPath(Path.of("/x/w.npz"))).isEqualTo(Path.of("/x/w.config.json"));
        assertThat(TorchInterchange.defaultConfigPath(Path.of("w"))).isEqualTo(Path.of("w.config.json"));
    }

    // ---- the streaming tagger: character encoder, delayed heads, lower-cased lookup ---------------

    /**
     * make_char_tagger.py's own numpy.savez of its module's state_dict, with the config the fixture
     * gives, imports as a model that reads every word and predicts every head as PyTorch did.
     */
    @Test
    void streamingTaggerImportedFromPyTorchsOwnSavezPredictsWhatPyTorchPredicted() throws IOException {
        JsonNode cs = Fixtures.load("char_tagger.json").get("cases").get(0);
        Path npz = fixturePath("char_tagger_state_dict.npz");

        TaggerModel model = (TaggerModel) TorchInterchange.importStateDict(npz, ModelKind.TAGGER,
                write(cs.get("config"), "char_tagger.config.json"), META);

        // the .npz numpy wrote holds the very weights of the fixture, in state_dict order
        assertThat(new ArrayList<>(Npz.read(npz).keySet())).isEqualTo(new ArrayList<>(model.parameters().stateDict().keySet()));
        assertThat(model.parameters().stateDict()).isEqualTo(JsonTensors.stateDict(cs.get("weights")));
        assertThat(model.shape()).isEqualTo(new TaggerShape(5, 6, 1, 3, 4, 8, 2, true));
        assertThat(model.characters().characters().unknown()).isEqualTo("<unk>");
        JsonNode ref = cs.get("float32");
        List<List<String>> sentences = new ArrayList<>();
        cs.get("sentences").forEach(s -> sentences.add(strings(s)));
        List<List<String>> finalTags = new ArrayList<>();
        ref.get("final_tags").forEach(s -> finalTags.add(strings(s)));
        List<List<String>> atOnce = new ArrayList<>();
        ref.get("tags_at_once").forEach(s -> atOnce.add(strings(s)));

        assertThat(model.finalTags(sentences).stream().map(s -> s.stream().map(Prediction.Tag::tag).toList()).toList())
                .isEqualTo(finalTags);
        for (int b = 0; b < sentences.size(); b++) {
            assertThat(model.tag(sentences.get(b)).stream().map(Prediction.Tag::tag).toList()).as("sentence %d", b)
                    .isEqualTo(atOnce.get(b));
            float[][] heads = everyHeadStepwise(model, sentences.get(b));
            for (int d = 0; d <= model.delay(); d++) {
                assertThat(heads[d]).as("head %d of sentence %d", d, b)
                        .containsExactly(JsonTensors.floats(ref.get("log_probs").get(d).get(b)), within(1e-5f));
            }
        }
    }

    @Test
    void exportedStreamingTaggerImportsAsTheSameModel() throws IOException {
        TaggerModel original = new TaggerModel(META, Vocabulary.withUnknown(List.of("a", "b", "日本")),
                Vocabulary.closed(List.of("X", "Y", "Z")), new Vocabulary(List.of("?", "a", "b", "日"), "?"),
                new TaggerShape(4, 5, 2, 3, 2, 6, 3, true)).initRandom(13);
        Path npz = dir.resolve("streaming.npz");

        TorchInterchange.exportStateDict(original, npz);
        TorchInterchange.writeConfig(original, TorchInterchange.defaultConfigPath(npz));
        TaggerModel back = (TaggerModel) TorchInterchange.importStateDict(npz, ModelKind.TAGGER,
                dir.resolve("streaming.config.json"), META);

        List<String> keys = new ArrayList<>();
        JSON.readTree(dir.resolve("streaming.config.json").toFile()).fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("words", "unknown", "lowercase", "tags", "characters", "unknown_character",
                "embedding_dim", "char_dim", "char_hidden", "max_chars", "hidden_size", "num_layers", "delay");
        assertThat(new ArrayList<>(Npz.read(npz).keySet())).isEqualTo(new ArrayList<>(original.parameters().stateDict().keySet()));
        assertThat(back.parameters().stateDict()).isEqualTo(original.parameters().stateDict());
        assertThat(back.shape()).isEqualTo(original.shape());
        assertThat(back.words()).isEqualTo(original.words());
        assertThat(back.tags()).isEqualTo(original.tags());
        assertThat(back.characters().characters()).isEqualTo(original.characters().characters());
        List<List<String>> sentences = List.of(List.of("A", "never-seen-and-long", "日本", "b"), List.of("b"));
        assertThat(back.finalTags(sentences)).isEqualTo(original.finalTags(sentences));
        for (List<String> s : sentences) {
            assertThat(everyHeadStepwise(back, s)).isEqualTo(everyHeadStepwise(original, s));
        }
    }

    @Test
    void theTutorialTaggersConfigKeepsItsFields() throws IOException {
        TaggerModel tutorial = new TaggerModel(META, Vocabulary.withUnknown(List.of("a")), Vocabulary.closed(List.of("X")), 2, 3, 1)
                .initRandom(1);
        Path config = dir.resolve("tutorial.config.json");

        TorchInterchange.writeConfig(tutorial, config);

        List<String> keys = new ArrayList<>();
        JSON.readTree(config.toFile()).fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("words", "unknown", "tags", "embedding_dim", "hidden_size", "num_layers");
    }

    @Test
    void aStreamingConfigThatDisagreesWithItsTensorsIsRefusedWithWhatDisagrees() throws IOException {
        JsonNode cs = Fixtures.load("char_tagger.json").get("cases").get(0);
        Path npz = fixturePath("char_tagger_state_dict.npz");

        assertThatThrownBy(() -> importWith(npz, cs, c -> c.remove("max_chars")))
                .hasMessageStartingWith("c.json needs max_chars");
        assertThatThrownBy(() -> importWith(npz, cs, c -> c.put("delay", 3)))
                .hasMessage("c.json says delay 3, but char_tagger_state_dict.npz's delayed2tag.*.weight gives 2");
        assertThatThrownBy(() -> importWith(npz, cs, c -> c.put("char_hidden", 5)))
                .hasMessage("c.json says char_hidden 5, but char_tagger_state_dict.npz's char_lstm.weight_hh_l0 [16, 4] gives 4");
        assertThatThrownBy(() -> importWith(npz, cs, c -> ((com.fasterxml.jackson.databind.node.ArrayNode) c.get("characters")).add("ß")))
                .hasMessage("c.json lists 25 characters, but char_tagger_state_dict.npz's char_embeddings.weight has 24 rows [24, 3]");
        assertThatThrownBy(() -> importWith(npz, cs, c -> c.remove("characters")))
                .hasMessageContaining("needs 'characters'");
        assertThatThrownBy(() -> importWith(npz, cs, c -> c.put("unknown_character", "é")))
                .hasMessage("c.json: unknown_character \"é\" is not one of the characters");
        assertThatThrownBy(() -> importWith(npz, cs, c -> c.put("lowercase", "yes")))
                .hasMessage("c.json: lowercase must be true or false, got \"yes\"");
    }

    @Test
    void charactersInTheConfigWithoutACharacterEncoderAreRefused() throws IOException {
        ObjectNode config = tutorialConfig();
        config.putArray("characters").add("<unk>");

        assertThatThrownBy(() -> TorchInterchange.importStateDict(tutorialNpz(), ModelKind.TAGGER, write(config, "c.json"), META))
                .hasMessage("c.json lists characters, but tagger.npz has no char_embeddings.weight");
    }

    @Test
    void aCharacterLstmWithoutItsReverseDirectionIsRefused() throws IOException {
        JsonNode cs = Fixtures.load("char_tagger.json").get("cases").get(0);
        Map<String, Tensor> sd = new LinkedHashMap<>(Npz.read(fixturePath("char_tagger_state_dict.npz")));
        sd.keySet().removeIf(k -> k.startsWith("char_lstm.") && k.endsWith("_reverse"));
        Path npz = dir.resolve("one-way.npz");
        Npz.write(sd, npz);

        assertThatThrownBy(() -> TorchInterchange.importStateDict(npz, ModelKind.TAGGER, write(cs.get("config"), "c.json"), META))
                .hasMessageStartingWith("one-way.npz: no tensor char_lstm.weight_hh_l0_reverse; the character LSTM is bidirectional");
    }

    private TaggerModel importWith(Path npz, JsonNode cs, java.util.function.Consumer<ObjectNode> change) throws IOException {
        ObjectNode config = cs.get("config").deepCopy();
        change.accept(config);
        return (TaggerModel) TorchInterchange.importStateDict(npz, ModelKind.TAGGER, write(config, "c.json"), META);
    }

    /** Every head's log-probabilities {@code [d][(len - d) * tags]}, from the Stepper's hidden states through {@code head}. */
    private static float[][] everyHeadStepwise(TaggerModel model, List<String> sentence) {
        TaggerModel.Stepper stepper = model.newStepper();
        LstmState state = LstmState.zeros(model.lstmConfig());
        int h = model.lstmConfig().hiddenSize();
        int top = model.lstmConfig().numLayers() - 1;
        float[][] hs = new float[sentence.size()][];
        for (int t = 0; t < sentence.size(); t++) {
            stepper.step(sentence.get(t), state);
            hs[t] = java.util.Arrays.copyOfRange(state.values(), state.hOffset(top), state.hOffset(top) + h);
        }
        int k = model.tags().size();
        float[] logits = new float[k];
        float[] pair = new float[2 * h];
        float[][] out = new float[model.delay() + 1][];
        for (int d = 0; d <= model.delay(); d++) {
            int rows = Math.max(0, sentence.size() - d);
            out[d] = new float[rows * k];
            for (int t = 0; t < rows; t++) {
                model.head(d, hs[t], 0, d == 0 ? null : hs[t + d], 0, logits, pair);
                System.arraycopy(logits, 0, out[d], t * k, k);
            }
        }
        return out;
    }

    private static Path fixturePath(String name) {
        try {
            return Path.of(TorchInterchangeTest.class.getResource("/fixtures/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }

    // ---- mismatches between config and tensors are refused with what disagrees -----------------

    @Test
    void aConfigSizeThatDisagreesWithTheTensorsIsRefused() throws IOException {
        Path npz = tutorialNpz();
        ObjectNode config = tutorialConfig().put("hidden_size", 7);

        assertThatThrownBy(() -> TorchInterchange.importStateDict(npz, ModelKind.TAGGER, write(config, "c.json"), META))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("c.json says hidden_size 7, but tagger.npz's lstm.weight_hh_l0 [24, 6] gives 6");
    }

    @Test
    void aVocabularyThatDoesNotFitTheEmbeddingIsRefused() throws IOException {
        Path npz = tutorialNpz();
        ObjectNode config = tutorialConfig();
        ((com.fasterxml.jackson.databind.node.ArrayNode) config.get("words")).add("extra");

        assertThatThrownBy(() -> TorchInterchange.importStateDict(npz, ModelKind.TAGGER, write(config, "c.json"), META))
                .hasMessage("c.json lists 10 words, but tagger.npz's word_embeddings.weight has 9 rows [9, 6]");
    }

    @Test
    void aMissingTensorIsRefusedByName() throws IOException {
        Map<String, Tensor> sd = new LinkedHashMap<>(JsonTensors.stateDict(Fixtures.load("tagger_train.json").get("float32").get("final_weights")));
        sd.remove("hidden2tag.bias");
        Path npz = dir.resolve("partial.npz");
        Npz.write(sd, npz);

        assertThatThrownBy(() -> TorchInterchange.importStateDict(npz, ModelKind.TAGGER, write(tutorialConfig(), "c.json"), META))
                .hasMessageStartingWith("partial.npz: no tensor hidden2tag.bias;");
    }

    @Test
    void aTaggerStateDictIsNotASumModel() throws IOException {
        Path npz = tutorialNpz();

        assertThatThrownBy(() -> TorchInterchange.importStateDict(npz, ModelKind.SUM, write(JSON.createObjectNode(), "c.json"), META))
                .hasMessage("tagger.npz: holds a tagger's state_dict (word_embeddings.weight); import it as a tagger");
    }

    @Test
    void aBidirectionalLstmIsRefusedWithTheReason() throws IOException {
        Map<String, Tensor> sd = new LinkedHashMap<>(JsonTensors.stateDict(Fixtures.load("tagger_train.json").get("float32").get("final_weights")));
        sd.put("lstm.weight_hh_l0_reverse", sd.get("lstm.weight_hh_l0"));
        Path npz = dir.resolve("bi.npz");
        Npz.write(sd, npz);

        assertThatThrownBy(() -> TorchInterchange.importStateDict(npz, ModelKind.TAGGER, write(tutorialConfig(), "c.json"), META))
                .hasMessageContaining("bidirectional");
    }

    private Path tutorialNpz() throws IOException {
        Path npz = dir.resolve("tagger.npz");
        Npz.write(JsonTensors.stateDict(Fixtures.load("tagger_train.json").get("float32").get("final_weights")), npz);
        return npz;
    }

    private static ObjectNode tutorialConfig() {
        JsonNode fixture = Fixtures.load("tagger_train.json");
        ObjectNode config = JSON.createObjectNode();
        FixtureCheck.byIndex(fixture.get("word_to_ix")).forEach(config.putArray("words")::add);
        FixtureCheck.byIndex(fixture.get("tag_to_ix")).forEach(config.putArray("tags")::add);
        return config;
    }

    private Path write(JsonNode json, String name) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, json.toString());
        return f;
    }
}
