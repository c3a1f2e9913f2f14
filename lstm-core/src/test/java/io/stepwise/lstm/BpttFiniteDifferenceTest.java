package io.stepwise.lstm;

import static io.stepwise.testing.TestArrays.toDouble;
import static io.stepwise.testing.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.Vocabulary;
import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.ParameterSet;
import io.stepwise.testing.Fixtures;
import io.stepwise.testing.ReferenceLstm64;
import io.stepwise.torch.JsonTensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * lstm-core's BPTT (float32) against central finite differences of an independent float64 loss
 * ({@link ReferenceLstm64}), for every entry of every parameter of small random models trained on
 * padded batches. The reference is itself held against PyTorch's float64 forward first, so a
 * mistake shared by both (gate order, bias handling) cannot pass unnoticed.
 */
class BpttFiniteDifferenceTest {

    /** Step in double: truncation error ~eps^2, rounding ~1e-16 / eps, both far below float32 noise. */
    private static final double EPS = 1e-6;
    /**
     * |g - fd| <= ABS + REL * |fd|. The float32 gradients here land within ~2e-8 of the float64 ones
     * (observed), while the gradients themselves are 1e-3..1: a floor of 1e-6 keeps two orders of
     * magnitude of headroom for other vector widths and still catches a term that is 0.1% off.
     */
    private static final double ABS_TOLERANCE = 1e-6;
    private static final double REL_TOLERANCE = 1e-4;

    private static final ModelMeta META = new ModelMeta("fd-check", 1, Map.of());

    @Test
    void referenceForwardMatchesTorchFloat64ForEveryParityCase() {
        JsonNode cases = Fixtures.load("lstm_parity.json").get("cases");
        assertThat(cases.size()).isPositive();
        for (JsonNode c : cases) {
            int in = c.get("input_size").asInt();
            int h = c.get("hidden_size").asInt();
            int layers = c.get("num_layers").asInt();
            int steps = c.get("seq_len").asInt();
            int batch = c.get("batch").asInt();
            Map<String, double[]> w = new LinkedHashMap<>();
            c.get("weights").fields().forEachRemaining(e -> w.put(e.getKey(), JsonTensors.doubles(e.getValue())));
            ReferenceLstm64 ref = new ReferenceLstm64(in, h, layers, w);

            ReferenceLstm64.Output o = ref.forward(
                    cube(JsonTensors.doubles(c.get("x")), steps, batch, in),
                    cube(JsonTensors.doubles(c.get("h0")), layers, batch, h),
                    cube(JsonTensors.doubles(c.get("c0")), layers, batch, h));

            JsonNode expected = c.get("float64");
            String name = c.get("name").asText();
            assertClose(flat(o.out()), JsonTensors.doubles(expected.get("out")), 1e-12, name + " out");
            assertClose(flat(o.hN()), JsonTensors.doubles(expected.get("h_n")), 1e-12, name + " h_n");
            assertClose(flat(o.cN()), JsonTensors.doubles(expected.get("c_n")), 1e-12, name + " c_n");
        }
    }

    // ---- tagger: Embedding -> LSTM -> Linear -> log-softmax -> NLL(mean over real tokens) ----

    private static final int[][] SENTENCES = {
        {0, 3, 1, 3, 5},   // word 3 repeats: its embedding gradient accumulates
        {2, 4},
        {1, -1, 0, 2},     // -1: unknown word without an entry, embeds as zeros
    };                      // word 6 never occurs: its embedding gradient must stay zero

    @ParameterizedTest(name = "gemm native threshold {0}")
    @ValueSource(longs = {0, Long.MAX_VALUE})
    void taggerGradientsMatchFiniteDifferencesOfTheFloat64Loss(long nativeThreshold) {
        List<String> words = List.of("w0", "w1", "w2", "w3", "w4", "w5", "w6");
        TaggerModel model = new TaggerModel(META, Vocabulary.closed(words), Vocabulary.closed(List.of("A", "B", "C")),
                4, 5, 2).initRandom(11);
        int[][] tags = randomTags(new SplittableRandom(5), SENTENCES, 3);
        Gemm gemm = new Gemm(nativeThreshold);
        model.parameters().zeroGrad();

        double loss = model.backward(model.forward(SENTENCES, gemm), tags, gemm);

        Map<String, double[]> p = doubles(model.parameters());
        ToDoubleFunction<Map<String, double[]>> lossFn = q -> taggerLoss64(q, SENTENCES, tags, 4, 5, 2);
        assertThat(loss).isCloseTo(lossFn.applyAsDouble(p), within(1e-5));
        assertGradientsMatch(model.parameters(), p, lossFn);
        float[] unusedRow = Arrays.copyOfRange(
                model.parameters().get("word_embeddings.weight").gradData(), 6 * 4, 7 * 4);
        assertThat(unusedRow).containsOnly(0f);
    }

    private static double taggerLoss64(Map<String, double[]> p, int[][] sentences, int[][] tags,
                                       int emb, int hidden, int layers) {
        ReferenceLstm64 lstm = new ReferenceLstm64(emb, hidden, layers, unprefixed(p, "lstm."));
        double[] table = p.get("word_embeddings.weight");
        List<double[]> logProbs = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        // each sentence on its own, unpadded: padding in the batched pass must change nothing
        for (int s = 0; s < sentences.length; s++) {
            int[] ids = sentences[s];
            double[][][] x = new double[ids.length][1][emb];
            for (int t = 0; t < ids.length; t++) {
                if (ids[t] >= 0) {
                    System.arraycopy(table, ids[t] * emb, x[t][0], 0, emb);
                }
            }
            double[][][] out = lstm.forward(x, null, null).out();
            for (int t = 0; t < ids.length; t++) {
                double[] logits = ReferenceLstm64.linear(p.get("hidden2tag.weight"), p.get("hidden2tag.bias"), out[t][0]);
                logProbs.add(ReferenceLstm64.logSoftmax(logits));
                targets.add(tags[s][t]);
            }
        }
        return ReferenceLstm64.nllMean(logProbs.toArray(double[][]::new),
                targets.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int[][] randomTags(SplittableRandom rng, int[][] sentences, int tagCount) {
        int[][] tags = new int[sentences.length][];
        for (int s = 0; s < sentences.length; s++) {
            tags[s] = rng.ints(sentences[s].length, 0, tagCount).toArray();
        }
        return tags;
    }

    // ---- sum regressor: LSTM(1, H) -> Linear(H, 1) on every step, weighted MSE ----

    private static final int[] SUM_LENGTHS = {6, 3, 5};

    @ParameterizedTest(name = "{0} layer(s), gemm native threshold {1}")
    @CsvSource({"1, 0", "1, 9223372036854775807", "2, 0", "2, 9223372036854775807"})
    void sumGradientsMatchFiniteDifferencesOfTheFloat64Loss(int layers, long nativeThreshold) {
        int hidden = 6;
        SumModel model = new SumModel(META, hidden, layers, 10f, 30f).initRandom(23 + layers);
        int steps = 6;
        int batch = SUM_LENGTHS.length;
        SplittableRandom rng = new SplittableRandom(7);
        float[] x = new float[steps * batch];
        float[] y = new float[steps * batch];
        float[] w = new float[steps * batch];
        for (int b = 0; b < batch; b++) {
            float sum = 0;
            for (int t = 0; t < SUM_LENGTHS[b]; t++) {
                x[t * batch + b] = (float) (rng.nextDouble() * 2 - 1);
                sum += x[t * batch + b];
                y[t * batch + b] = sum / 3f;
                // later steps count less, and one real step not at all
                w[t * batch + b] = (b == 2 && t == 1) ? 0f : 1f / (t + 1);
            }
        }
        Gemm gemm = new Gemm(nativeThreshold);
        model.parameters().zeroGrad();

        double loss = model.backward(model.forward(x, steps, batch, gemm), y, w, gemm);

        Map<String, double[]> p = doubles(model.parameters());
        ToDoubleFunction<Map<String, double[]>> lossFn = q -> sumLoss64(q, x, y, w, batch, hidden, layers);
        assertThat(loss).isCloseTo(lossFn.applyAsDouble(p), within(1e-6));
        assertGradientsMatch(model.parameters(), p, lossFn);
    }

    /**
     * The bare LSTM from a given, non-zero initial state (the models always start at zero, where
     * the first step's recurrent products are skipped): loss = sum of r . out for fixed random r.
     */
    @ParameterizedTest(name = "{0} layer(s), gemm native threshold {1}")
    @CsvSource({"1, 0", "2, 9223372036854775807"})
    void lstmGradientsFromAGivenInitialStateMatchFiniteDifferences(int layers, long nativeThreshold) {
        int in = 3;
        int hidden = 5;
        int steps = 4;
        int batch = 2;
        ParameterSet params = new ParameterSet();
        Lstm lstm = new Lstm(new LstmConfig(in, hidden, layers), params, "");
        SplittableRandom rng = new SplittableRandom(31 + layers);
        lstm.initDefault(params, rng);
        float[] x = uniform(rng, steps * batch * in, 1);
        float[] h0 = uniform(rng, layers * batch * hidden, 1);
        float[] c0 = uniform(rng, layers * batch * hidden, 1);
        float[] r = uniform(rng, steps * batch * hidden, 1);
        Gemm gemm = new Gemm(nativeThreshold);
        params.zeroGrad();

        lstm.backward(lstm.forward(x, steps, batch, h0, c0, gemm), r, gemm);

        ToDoubleFunction<Map<String, double[]>> lossFn = q -> {
            ReferenceLstm64 ref = new ReferenceLstm64(in, hidden, layers, q);
            double[][][] seq = new double[steps][batch][in];
            for (int t = 0; t < steps; t++) {
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < in; i++) {
                        seq[t][b][i] = x[(t * batch + b) * in + i];
                    }
                }
            }
            double[][][] out = ref.forward(seq, cube(toDouble(h0), layers, batch, hidden),
                    cube(toDouble(c0), layers, batch, hidden)).out();
            double loss = 0;
            for (int t = 0; t < steps; t++) {
                for (int b = 0; b < batch; b++) {
                    for (int j = 0; j < hidden; j++) {
                        loss += r[(t * batch + b) * hidden + j] * out[t][b][j];
                    }
                }
            }
            return loss;
        };
        assertGradientsMatch(params, doubles(params), lossFn);
    }

    private static double sumLoss64(Map<String, double[]> p, float[] x, float[] y, float[] w,
                                    int batch, int hidden, int layers) {
        ReferenceLstm64 lstm = new ReferenceLstm64(1, hidden, layers, unprefixed(p, "lstm."));
        List<double[]> rows = new ArrayList<>(); // pred, target, weight
        for (int b = 0; b < batch; b++) {
            int len = SUM_LENGTHS[b];
            double[][][] seq = new double[len][1][1];
            for (int t = 0; t < len; t++) {
                seq[t][0][0] = x[t * batch + b];
            }
            double[][][] out = lstm.forward(seq, null, null).out();
            for (int t = 0; t < len; t++) {
                double pred = ReferenceLstm64.linear(p.get("linear.weight"), p.get("linear.bias"), out[t][0])[0];
                rows.add(new double[]{pred, y[t * batch + b], w[t * batch + b]});
            }
        }
        return ReferenceLstm64.weightedMse(
                rows.stream().mapToDouble(r -> r[0]).toArray(),
                rows.stream().mapToDouble(r -> r[1]).toArray(),
                rows.stream().mapToDouble(r -> r[2]).toArray());
    }

    // ---- the comparison ----

    private static void assertGradientsMatch(ParameterSet params, Map<String, double[]> at,
                                             ToDoubleFunction<Map<String, double[]>> loss) {
        for (ParameterSet.Parameter param : params.asMap().values()) {
            double[] v = at.get(param.name());
            float[] g = param.gradData();
            double largest = 0;
            for (int i = 0; i < v.length; i++) {
                double keep = v[i];
                v[i] = keep + EPS;
                double up = loss.applyAsDouble(at);
                v[i] = keep - EPS;
                double down = loss.applyAsDouble(at);
                v[i] = keep;
                double fd = (up - down) / (2 * EPS);
                largest = Math.max(largest, Math.abs(fd));
                assertThat((double) g[i])
                        .as("d loss / d %s[%d]", param.name(), i)
                        .isCloseTo(fd, within(ABS_TOLERANCE + REL_TOLERANCE * Math.abs(fd)));
            }
            // a tensor whose gradient is nearly zero everywhere would pass any comparison
            assertThat(largest).as("largest |gradient| of %s", param.name()).isGreaterThan(100 * ABS_TOLERANCE);
        }
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

    /** The entries under {@code prefix}, renamed without it; the arrays are shared, not copied. */
    private static Map<String, double[]> unprefixed(Map<String, double[]> p, String prefix) {
        Map<String, double[]> out = new LinkedHashMap<>();
        p.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    private static double[][][] cube(double[] flat, int d0, int d1, int d2) {
        assertThat(flat).hasSize(d0 * d1 * d2);
        double[][][] out = new double[d0][d1][d2];
        for (int i = 0; i < d0; i++) {
            for (int j = 0; j < d1; j++) {
                System.arraycopy(flat, (i * d1 + j) * d2, out[i][j], 0, d2);
            }
        }
        return out;
    }

    private static double[] flat(double[][][] a) {
        List<Double> out = new ArrayList<>();
        for (double[][] m : a) {
            for (double[] r : m) {
                for (double v : r) {
                    out.add(v);
                }
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
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
