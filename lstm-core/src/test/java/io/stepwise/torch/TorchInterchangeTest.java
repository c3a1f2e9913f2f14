package io.stepwise.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.model.ModelKind;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.model.Prediction;
import io.stepwise.model.TaggerModel;
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
