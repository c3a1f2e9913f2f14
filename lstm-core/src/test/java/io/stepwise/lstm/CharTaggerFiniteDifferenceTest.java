package io.stepwise.lstm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.TaggerShape;
import io.stepwise.model.Vocabulary;
import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.ParameterSet;
import io.stepwise.testing.Fixtures;
import io.stepwise.testing.ReferenceCharTagger64;
import io.stepwise.torch.JsonTensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming tagger's backward pass (character encoder, both directions, the word LSTM, head 0 and
 * the delayed heads; float32) against central finite differences of an independent float64 loss
 * ({@link ReferenceCharTagger64}), for every entry of every parameter. The reference is first held
 * against PyTorch's float64 forward of the same module (fixtures/char_tagger.json), so a mistake
 * shared by the model and the reference (which hidden state is the encoding, which row a delayed
 * head reads, which words a head's mean runs over) cannot pass unnoticed.
 */
class CharTaggerFiniteDifferenceTest {

    /** As in {@link BpttFiniteDifferenceTest}: truncation ~eps^2, rounding ~1e-16 / eps, far below float32 noise. */
    private static final double EPS = 1e-6;
    /**
     * |g - fd| <= ABS + REL * |fd|, as in {@link BpttFiniteDifferenceTest}: the float32 gradients
     * here land within ~3e-8 of the float64 ones (observed; the fixture's |f32 - f64| is the same),
     * while the word-side gradients are 1e-3..0.5, so the floor keeps headroom and a term 0.1% off
     * still fails.
     */
    private static final double ABS_TOLERANCE = 1e-6;
    private static final double REL_TOLERANCE = 1e-4;
    /**
     * The character encoder's gradients are small here (the largest entry of a tensor as low as
     * ~1e-4, since words are a few characters read from a zero state), where a floor of 1e-6 would
     * let an entry be 1% off; so a tensor's floor is at most 1e-3 of its largest gradient. The
     * observed float32 error on those tensors is ~1e-9, two orders of magnitude below that.
     */
    private static final double FLOOR_OF_LARGEST = 1e-3;

    private static final ModelMeta META = new ModelMeta("fd-check", 1, Map.of());

    // ---- the reference against PyTorch ----

    @Test
    void referenceMatchesTorchFloat64OnEveryHeadEncodingAndTheLoss() {
        JsonNode cs = Fixtures.load("char_tagger.json").get("cases").get(0);
        ReferenceCharTagger64 ref = new ReferenceCharTagger64(shapeOf(cs.get("config")), weights64(cs.get("weights")));
        JsonNode f64 = cs.get("float64");
        List<List<String>> sentences = sentences(cs);

        cs.get("char_ids").fields().forEachRemaining(e ->
                assertThat(ref.charIds(e.getKey())).as("char ids of %s", e.getKey()).containsExactly(JsonTensors.ints(e.getValue())));
        for (int b = 0; b < sentences.size(); b++) {
            int[] ids = sentences.get(b).stream().mapToInt(ref::wordId).toArray();
            assertThat(ids).as("word ids of sentence %d", b).containsExactly(JsonTensors.ints(cs.get("word_ids").get(b)));
        }
        f64.get("char_encodings").fields().forEachRemaining(e ->
                assertClose(ref.encode(e.getKey()), JsonTensors.doubles(e.getValue()), 1e-12, "encoding of " + e.getKey()));
        JsonNode logProbs = f64.get("log_probs");
        for (int b = 0; b < sentences.size(); b++) {
            double[][][] heads = ref.logProbs(sentences.get(b));
            assertThat(heads.length).isEqualTo(logProbs.size());
            for (int d = 0; d < heads.length; d++) {
                double[] flat = heads[d].length == 0 ? new double[0]
                        : java.util.Arrays.stream(heads[d]).flatMapToDouble(java.util.Arrays::stream).toArray();
                assertClose(flat, JsonTensors.doubles(logProbs.get(d).get(b)), 1e-12, "head " + d + " sentence " + b);
            }
        }
        assertThat(ref.loss(sentences, tagIds(cs))).isCloseTo(f64.get("loss").asDouble(), within(1e-12));
    }

    // ---- the model's gradients against finite differences of the reference ----

    /** PyTorch's own weights and batch: every edge of the character encoder, delay 2, a sentence shorter than 3. */
    @ParameterizedTest(name = "gemm native threshold {0}")
    @ValueSource(longs = {0, Long.MAX_VALUE})
    void fixtureModelGradientsMatchFiniteDifferences(long nativeThreshold) {
        JsonNode cs = Fixtures.load("char_tagger.json").get("cases").get(0);
        JsonNode c = cs.get("config");
        TaggerModel model = new TaggerModel(META, new Vocabulary(strings(c.get("words")), c.get("unknown").asText()),
                Vocabulary.closed(strings(c.get("tags"))),
                new Vocabulary(strings(c.get("characters")), c.get("unknown_character").asText()),
                new TaggerShape(c.get("embedding_dim").asInt(), c.get("hidden_size").asInt(), c.get("num_layers").asInt(),
                        c.get("char_dim").asInt(), c.get("char_hidden").asInt(), c.get("max_chars").asInt(),
                        c.get("delay").asInt(), c.get("lowercase").asBoolean()));
        model.parameters().load(JsonTensors.stateDict(cs.get("weights")));
        model.weightsChanged();

        checkGradients(model, shapeOf(c), sentences(cs), tagIds(cs), new Gemm(nativeThreshold));
    }

    /**
     * Another shape from Stepwise's own initialisation: delay 3 (head 3 has rows from one sentence
     * only), two word-LSTM layers, case kept, an odd max_chars (a long word keeps 2 + 3 characters), no
     * unknown-word entry (an unseen word embeds as zeros but still has its characters), a one-word sentence.
     */
    @ParameterizedTest(name = "gemm native threshold {0}")
    @ValueSource(longs = {0, Long.MAX_VALUE})
    void otherShapeGradientsMatchFiniteDifferences(long nativeThreshold) {
        List<String> words = List.of("A", "bc", "bcd", "Zyx", "never");
        List<String> characters = List.of("?", "A", "b", "c", "d", "x", "y", "Z");
        TaggerShape shape = new TaggerShape(3, 4, 2, 2, 3, 5, 3, false);
        TaggerModel model = new TaggerModel(META, Vocabulary.closed(words), Vocabulary.closed(List.of("P", "Q", "R")),
                new Vocabulary(characters, "?"), shape).initRandom(17);
        List<List<String>> sentences = List.of(
                List.of("A", "bcd", "abcdefgh", "bc", "Zyx"),   // "abcdefgh": unseen word, cut to "ab" + "fgh", a/e-h unknown
                List.of("bc"),
                List.of("Zyx", "A", "A"));                      // a repeated word: its rows accumulate
        int[][] tags = {{0, 1, 2, 1, 0}, {2}, {1, 0, 2}};
        ReferenceCharTagger64.Shape ref = new ReferenceCharTagger64.Shape(words, null, characters, "?", 3,
                3, 2, 3, 5, 4, 2, 3, false);

        checkGradients(model, ref, sentences, tags, new Gemm(nativeThreshold));
    }

    private static void checkGradients(TaggerModel model, ReferenceCharTagger64.Shape shape, List<List<String>> sentences,
                                       int[][] tags, Gemm gemm) {
        int batch = sentences.size();
        int[][] wordIds = new int[batch][];
        String[][] words = new String[batch][];
        for (int b = 0; b < batch; b++) {
            words[b] = sentences.get(b).toArray(String[]::new);
            wordIds[b] = sentences.get(b).stream().mapToInt(model::wordIndex).toArray();
        }
        model.parameters().zeroGrad();

        double loss = model.backward(model.forward(wordIds, words, gemm, null), tags, gemm);

        Map<String, double[]> p = doubles(model.parameters());
        ToDoubleFunction<Map<String, double[]>> lossFn = q -> new ReferenceCharTagger64(shape, q).loss(sentences, tags);
        assertThat(loss).isCloseTo(lossFn.applyAsDouble(p), within(1e-5));
        assertGradientsMatch(model.parameters(), p, lossFn);
    }

    private static void assertGradientsMatch(ParameterSet params, Map<String, double[]> at,
                                             ToDoubleFunction<Map<String, double[]>> loss) {
        for (ParameterSet.Parameter param : params.asMap().values()) {
            double[] v = at.get(param.name());
            float[] g = param.gradData();
            double[] fd = new double[v.length];
            double largest = 0;
            for (int i = 0; i < v.length; i++) {
                double keep = v[i];
                v[i] = keep + EPS;
                double up = loss.applyAsDouble(at);
                v[i] = keep - EPS;
                double down = loss.applyAsDouble(at);
                v[i] = keep;
                fd[i] = (up - down) / (2 * EPS);
                largest = Math.max(largest, Math.abs(fd[i]));
            }
            // a tensor whose gradient is nearly zero everywhere would pass any comparison
            assertThat(largest).as("largest |gradient| of %s", param.name()).isGreaterThan(100 * ABS_TOLERANCE);
            double floor = Math.min(ABS_TOLERANCE, FLOOR_OF_LARGEST * largest);
            for (int i = 0; i < v.length; i++) {
                assertThat((double) g[i])
                        .as("d loss / d %s[%d]", param.name(), i)
                        .isCloseTo(fd[i], within(floor + REL_TOLERANCE * Math.abs(fd[i])));
            }
        }
    }

    // ---- helpers ----

    private static ReferenceCharTagger64.Shape shapeOf(JsonNode c) {
        return new ReferenceCharTagger64.Shape(strings(c.get("words")), c.get("unknown").isNull() ? null : c.get("unknown").asText(),
                strings(c.get("characters")), c.get("unknown_character").asText(), c.get("tags").size(),
                c.get("embedding_dim").asInt(), c.get("char_dim").asInt(), c.get("char_hidden").asInt(), c.get("max_chars").asInt(),
                c.get("hidden_size").asInt(), c.get("num_layers").asInt(), c.get("delay").asInt(), c.get("lowercase").asBoolean());
    }

    private static Map<String, double[]> weights64(JsonNode weights) {
        Map<String, double[]> out = new LinkedHashMap<>();
        weights.fields().forEachRemaining(e -> out.put(e.getKey(), JsonTensors.doubles(e.getValue())));
        return out;
    }

    private static List<List<String>> sentences(JsonNode cs) {
        List<List<String>> out = new ArrayList<>();
        cs.get("sentences").forEach(s -> out.add(strings(s)));
        return out;
    }

    private static int[][] tagIds(JsonNode cs) {
        int[][] out = new int[cs.get("tag_ids").size()][];
        for (int b = 0; b < out.length; b++) {
            out[b] = JsonTensors.ints(cs.get("tag_ids").get(b));
        }
        return out;
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, double[]> doubles(ParameterSet params) {
        Map<String, double[]> out = new LinkedHashMap<>();
        params.asMap().forEach((name, p) -> {
            float[] f = p.data();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            out.put(name, d);
        });
        return out;
    }

    private static void assertClose(double[] actual, double[] expected, double tol, String what) {
        assertThat(actual).as(what + " size").hasSameSizeAs(expected);
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertThat(worst).as(what + " max abs diff").isLessThanOrEqualTo(tol);
    }
}
