package io.stepwise.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.testing.Fixtures;
import io.stepwise.torch.JsonTensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the golden model files that {@link ModelFileTest} loads: the tutorial tagger with the final
 * weights of PyTorch's own training run (fixtures/tagger_train.json), and the streaming tagger
 * (character features, delay 2, lower-cased lookup) with the weights of make_char_tagger.py
 * (fixtures/char_tagger.json). Not a test: run it only when a new format version needs a new golden
 * file, and keep the old files, since the point is that a file written by an older Stepwise still
 * loads and predicts the same.
 *
 * <pre>
 * ./mvnw -B -q -pl lstm-core test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath
 * java --add-modules jdk.incubator.vector \
 *     -cp lstm-core/target/test-classes:lstm-core/target/classes:$(cat lstm-core/target/test.classpath) \
 *     io.stepwise.model.GoldenModelFiles lstm-core/src/test/resources/golden/tutorial-tagger-v1.stepwise
 * java ... io.stepwise.model.GoldenModelFiles streaming lstm-core/src/test/resources/golden/streaming-tagger-v1.stepwise
 * </pre>
 * The first argument may be {@code tutorial} (the default) or {@code streaming}, then the path.
 */
public final class GoldenModelFiles {

    static final String TUTORIAL_TAGGER = "/golden/tutorial-tagger-v1.stepwise";
    static final String STREAMING_TAGGER = "/golden/streaming-tagger-v1.stepwise";

    private GoldenModelFiles() {
    }

    public static void main(String[] args) throws Exception {
        boolean streaming = args.length > 0 && args[0].equals("streaming");
        int skip = args.length > 0 && (streaming || args[0].equals("tutorial")) ? 1 : 0;
        Path out = Path.of(args.length > skip ? args[skip]
                : "lstm-core/src/test/resources" + (streaming ? STREAMING_TAGGER : TUTORIAL_TAGGER));
        TaggerModel model = streaming ? streamingTagger(Fixtures.load("char_tagger.json"))
                : tutorialTagger(Fixtures.load("tagger_train.json"));
        ModelFile.write(model, out);
        System.out.println(out + " sha256 " + ModelFile.sha256Hex(ModelFile.toBytes(model)));
    }

    static TaggerModel tutorialTagger(JsonNode fixture) {
        // fixed provenance (no clock, no JVM details) so that regenerating gives the same bytes
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("data", "the PyTorch tutorial's two training sentences");
        provenance.put("weights", "shared/fixtures/tagger_train.json float32.final_weights");
        provenance.put("trainer", "PyTorch " + fixture.get("torch_version").asText() + ", SGD lr 0.1, 300 epochs");
        provenance.put("generator", GoldenModelFiles.class.getName());
        TaggerModel model = new TaggerModel(new ModelMeta("tutorial-tagger", 1, provenance),
                Vocabulary.closed(byIndex(fixture.get("word_to_ix"))), Vocabulary.closed(byIndex(fixture.get("tag_to_ix"))),
                fixture.get("float32").get("final_weights").get("word_embeddings.weight").get(0).size(),
                fixture.get("float32").get("final_weights").get("lstm.weight_hh_l0").get(0).size(), 1);
        model.parameters().load(JsonTensors.stateDict(fixture.get("float32").get("final_weights")));
        model.weightsChanged();
        return model;
    }

    /**
     * The streaming tagger of make_char_tagger.py with its (untrained, seeded) weights, whose every
     * head's log-probabilities the fixture holds; its vocabularies and sizes from the fixture's config.
     */
    static TaggerModel streamingTagger(JsonNode fixture) {
        JsonNode cs = fixture.get("cases").get(0);
        JsonNode c = cs.get("config");
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("data", "none: the seeded initial weights of make_char_tagger.py");
        provenance.put("weights", "lstm-core/src/test/resources/fixtures/char_tagger.json cases[0].weights");
        provenance.put("trainer", "PyTorch " + fixture.get("torch_version").asText() + ", torch.manual_seed("
                + cs.get("init_seed").asLong() + "), not trained");
        provenance.put("generator", GoldenModelFiles.class.getName());
        TaggerModel model = new TaggerModel(new ModelMeta("streaming-tagger", 1, provenance),
                new Vocabulary(strings(c.get("words")), c.get("unknown").asText()), Vocabulary.closed(strings(c.get("tags"))),
                new Vocabulary(strings(c.get("characters")), c.get("unknown_character").asText()),
                new TaggerShape(c.get("embedding_dim").asInt(), c.get("hidden_size").asInt(), c.get("num_layers").asInt(),
                        c.get("char_dim").asInt(), c.get("char_hidden").asInt(), c.get("max_chars").asInt(),
                        c.get("delay").asInt(), c.get("lowercase").asBoolean()));
        model.parameters().load(JsonTensors.stateDict(cs.get("weights")));
        model.weightsChanged();
        return model;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static List<String> byIndex(JsonNode entryToIndex) {
        String[] out = new String[entryToIndex.size()];
        entryToIndex.fields().forEachRemaining(e -> out[e.getValue().asInt()] = e.getKey());
        return List.of(out);
    }
}
