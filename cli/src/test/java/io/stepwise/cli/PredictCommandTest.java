package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.model.Prediction;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.Vocabulary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** predict runs whole sequences; the expectations come from the stepwise path of the same model. */
class PredictCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private List<JsonNode> run(Path model, String... lines) throws Exception {
        Path in = dir.resolve("in.jsonl");
        Path out = dir.resolve("out.jsonl");
        Files.write(in, List.of(lines));
        CommandLine cl = Stepwise.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute("predict", "--model", model.toString(), "--input", in.toString(), "--output", out.toString());
        assertThat(exit).as(err.toString()).isZero();
        List<JsonNode> results = new ArrayList<>();
        for (String l : Files.readAllLines(out)) {
            results.add(JSON.readTree(l));
        }
        return results;
    }

    @Test
    void tagsInterleavedSentencesLikeTheStepwiseTagger() throws Exception {
        TaggerModel m = new TaggerModel(new ModelMeta("pos", 3, Map.of()),
                Vocabulary.withUnknown(List.of("the", "dog", "ate", "apple", "a")), Vocabulary.closed(List.of("DET", "NOUN", "VERB")), 4, 6, 2)
                .initRandom(5);
        Path file = dir.resolve("pos.stepwise");
        ModelFile.write(m, file);

        List<JsonNode> out = run(file,
                "{\"stream\":\"x\",\"seq\":1,\"token\":\"the\"}",
                "{\"stream\":\"y\",\"seq\":1,\"token\":\"a\"}",
                "not json",
                "{\"stream\":\"x\",\"seq\":2,\"token\":\"dog\"}",
                "{\"stream\":\"x\",\"seq\":2,\"token\":\"dog\"}",
                "{\"stream\":\"y\",\"seq\":2,\"token\":\"unheard-of\"}",
                "{\"stream\":\"x\",\"seq\":3,\"end\":true}",
                "{\"stream\":\"x\",\"seq\":4,\"token\":\"apple\"}");

        assertThat(out).hasSize(5);
        List<String> x1 = m.tag(List.of("the", "dog")).stream().map(Prediction.Tag::tag).toList();
        List<String> y = m.tag(List.of("a", "unheard-of")).stream().map(Prediction.Tag::tag).toList();
        String x2 = m.tag(List.of("apple")).get(0).tag();
        assertThat(out).extracting(r -> r.get("stream").asText() + r.get("seq").asInt() + ":" + r.get("tag").asText())
                .containsExactly("x1:" + x1.get(0), "y1:" + y.get(0), "x2:" + x1.get(1), "y2:" + y.get(1), "x4:" + x2);
        assertThat(out).allSatisfy(r -> assertThat(r.get("version").asInt()).isEqualTo(3));
    }

    @Test
    void sumsMatchTheStepwiseRunningSumsWithinTolerance() throws Exception {
        SumModel m = new SumModel(new ModelMeta("sum", 1, Map.of()), 8, 1, 100f, 1000f).initRandom(2);
        Path file = dir.resolve("sum.stepwise");
        ModelFile.write(m, file);

        List<JsonNode> out = run(file,
                "{\"stream\":\"m\",\"seq\":1,\"value\":12}",
                "{\"stream\":\"m\",\"seq\":2,\"value\":-40.5}",
                "{\"stream\":\"m\",\"seq\":3,\"value\":7}");

        double[] stepwise = m.runningSums(new double[]{12, -40.5, 7});
        for (int i = 0; i < 3; i++) {
            assertThat(out.get(i).get("sum").asDouble()).isCloseTo(stepwise[i], Offset.offset(1e-5));
        }
        assertThat(out).extracting(r -> r.get("exact").asDouble()).containsExactly(12.0, -28.5, -21.5);
    }
}
