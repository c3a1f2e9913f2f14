package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stepwise.model.ModelMeta;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.TaggerShape;
import io.stepwise.model.Vocabulary;
import io.stepwise.nn.Dropout;
import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.ParameterSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A batch's gradient computed in shares on threads: the same as the whole batch's in one pass, and
 * bit for bit the same on one thread as on two, for the streaming tagger's shape (characters, delayed heads).
 */
class TaggerGradientsTest {

    private static final List<String> WORDS = List.of("the", "dog", "cat", "saw", "a", "red", "book", "ran");
    private static final List<String> TAGS = List.of("DET", "NOUN", "VERB", "ADJ");

    private static TaggerModel model() {
        Vocabulary chars = Vocabulary.withUnknown(List.of("t", "h", "e", "d", "o", "g", "a", "s", "w", "r", "c", "b", "k"));
        return new TaggerModel(new ModelMeta("tagger", 1, Map.of()), Vocabulary.withUnknown(WORDS), Vocabulary.closed(TAGS), chars,
                new TaggerShape(6, 8, 1, 4, 3, 6, 2, true)).initRandom(5);
    }

    /** Sentences of 1 to 9 words (some shorter than the delay), words, their rows and tags drawn from {@code seed}. */
    private record Batch(int[][] ids, String[][] words, int[][] tags) {
        static Batch of(int sentences, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            int[][] ids = new int[sentences][];
            String[][] words = new String[sentences][];
            int[][] tags = new int[sentences][];
            for (int b = 0; b < sentences; b++) {
                int n = 1 + rng.nextInt(9);
                ids[b] = new int[n];
                words[b] = new String[n];
                tags[b] = new int[n];
                for (int t = 0; t < n; t++) {
                    // one word in eight unknown, its characters still read
                    boolean unknown = rng.nextInt(8) == 0;
                    words[b][t] = unknown ? "zebra" : WORDS.get(rng.nextInt(WORDS.size()));
                    ids[b][t] = unknown ? 0 : WORDS.indexOf(words[b][t]) + 1;
                    tags[b][t] = rng.nextInt(TAGS.size());
                }
            }
            return new Batch(ids, words, tags);
        }
    }

    private static Map<String, float[]> grads(TaggerModel m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (ParameterSet.Parameter p : m.parameters().asMap().values()) {
            out.put(p.name(), p.gradData().clone());
        }
        return out;
    }

    private static Dropout[] masks(long seed) {
        Dropout[] d = new Dropout[TaggerGradients.SHARES];
        for (int k = 0; k < d.length; k++) {
            d[k] = new Dropout(0.3f, 0.3f, new SplittableRandom(seed + k));
        }
        return d;
    }

    /** The reference: the whole batch in one pass on this thread, its gradient left in {@code m}; returns its loss. */
    private static double inOnePass(TaggerModel m, Batch batch) {
        m.parameters().zeroGrad();
        try (Gemm gemm = new Gemm()) {
            return m.backward(m.forward(batch.ids(), batch.words(), gemm, null), batch.tags(), gemm);
        }
    }

    @Test
    void theSharesGradientsAddUpToTheWholeBatchs() {
        Batch batch = Batch.of(7, 3);
        TaggerModel whole = model();
        double wholeLoss = inOnePass(whole, batch);
        Map<String, float[]> expected = grads(whole);

        TaggerModel shared = model();
        double sharedLoss;
        try (TaggerGradients g = new TaggerGradients(shared, 2)) {
            sharedLoss = g.compute(batch.ids(), batch.words(), batch.tags(), null);
        }

        assertThat(sharedLoss).isCloseTo(wholeLoss, within(1e-5 * wholeLoss));
        Map<String, float[]> actual = grads(shared);
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        for (String name : expected.keySet()) {
            float[] e = expected.get(name);
            float[] a = actual.get(name);
            float scale = 1e-3f;
            for (float v : e) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < e.length; i++) {
                assertThat(a[i]).as("%s[%d]", name, i).isCloseTo(e[i], within(1e-5f * scale));
            }
        }
    }

    @Test
    void oneThreadGivesTheGradientOfTwoBitForBit() {
        Batch batch = Batch.of(9, 4);
        Map<String, float[]> byThreads = null;
        double lossByThreads = 0;
        for (int threads : new int[]{2, 1}) {
            TaggerModel m = model();
            double loss;
            try (TaggerGradients g = new TaggerGradients(m, threads)) {
                loss = g.compute(batch.ids(), batch.words(), batch.tags(), masks(11));
            }
            if (byThreads == null) {
                byThreads = grads(m);
                lossByThreads = loss;
            } else {
                assertThat(loss).isEqualTo(lossByThreads);
                Map<String, float[]> oneThread = grads(m);
                for (String name : byThreads.keySet()) {
                    assertThat(oneThread.get(name)).as(name).containsExactly(byThreads.get(name));
                }
            }
        }
    }

    @Test
    void aBatchOfOneSentenceLeavesTheOtherShareEmpty() {
        Batch batch = Batch.of(1, 6);
        TaggerModel whole = model();
        double wholeLoss = inOnePass(whole, batch);

        TaggerModel shared = model();
        try (TaggerGradients g = new TaggerGradients(shared, 2)) {
            assertThat(g.compute(batch.ids(), batch.words(), batch.tags(), null)).isCloseTo(wholeLoss, within(1e-6));
        }
        assertThat(shared.parameters().gradNorm()).isCloseTo(whole.parameters().gradNorm(), within(1e-5 * whole.parameters().gradNorm()));
    }
}
