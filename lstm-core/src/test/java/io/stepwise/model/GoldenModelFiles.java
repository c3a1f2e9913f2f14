package io.stepwise.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.testing.Fixtures;
import io.stepwise.torch.JsonTensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the golden model file that {@link ModelFileTest} loads: the tutorial tagger with the final
 * weights of PyTorch's own training run (fixtures/tagger_train.json). Not a test: run it only when
 * a new format version needs a new golden file, and keep the old files, since the point is that a
 * file written by an older Stepwise still loads and predicts the same.
 *
 * <pre>
 * ./mvnw -B -q -pl lstm-core test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath
 * java -cp lstm-core/target/test-classes:lstm-core/target/classes:$(cat lstm-core/target/test.classpath) \
 *     io.stepwise.model.GoldenModelFiles lstm-core/src/test/resources/golden/tutorial-tagger-v1.stepwise
 * </pre>
 */
public final class GoldenModelFiles {

    static final String TUTORIAL_TAGGER = "/golden/tutorial-tagger-v1.stepwise";

    private GoldenModelFiles() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "lstm-core/src/test/resources" + TUTORIAL_TAGGER);
        TaggerModel model = tutorialTagger(Fixtures.load("tagger_train.json"));
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

    static List<String> byIndex(JsonNode entryToIndex) {
        String[] out = new String[entryToIndex.size()];
        entryToIndex.fields().forEachRemaining(e -> out[e.getValue().asInt()] = e.getKey());
        return List.of(out);
    }
}
