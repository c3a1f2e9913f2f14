package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.model.ModelMeta;
import io.stepwise.model.Prediction;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.Vocabulary;
import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.ParameterSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TaggerTrainerTest {

    private static final ModelMeta META = new ModelMeta("tagger", 1, Map.of());

    /** A toy language: determiner, optional adjective, noun, verb, determiner, noun. */
    static List<TaggedSentence> toyCorpus(int n, long seed) {
        String[] dets = {"the", "a", "every"};
        String[] adjs = {"big", "small", "red"};
        String[] nouns = {"dog", "cat", "apple", "book"};
        String[] verbs = {"ate", "read", "saw"};
        SplittableRandom rng = new SplittableRandom(seed);
        List<TaggedSentence> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> w = new ArrayList<>();
            List<String> t = new ArrayList<>();
            add(w, t, dets[rng.nextInt(dets.length)], "DET");
            if (rng.nextBoolean()) {
                add(w, t, adjs[rng.nextInt(adjs.length)], "ADJ");
            }
            add(w, t, nouns[rng.nextInt(nouns.length)], "NOUN");
            add(w, t, verbs[rng.nextInt(verbs.length)], "VERB");
            if (rng.nextBoolean()) {
                add(w, t, dets[rng.nextInt(dets.length)], "DET");
                add(w, t, nouns[rng.nextInt(nouns.length)], "NOUN");
            }
            out.add(new TaggedSentence(w, t));
        }
        return out;
    }

    private static void add(List<String> w, List<String> t, String word, String tag) {
        w.add(word);
        t.add(tag);
    }

    private static TaggerTrainer.Builder small() {
        return TaggerTrainer.Settings.builder().embeddingDim(8).hiddenSize(16).batchSize(4).epochs(15)
                .learningRate(0.02).optimizer(OptimizerKind.ADAM).minCount(1);
    }

    @Test
    void learnsATinyCorpusToFullTrainingAccuracy() {
        List<TaggedSentence> corpus = toyCorpus(40, 7);

        TaggerTrainer.Result r = new TaggerTrainer(small().build()).train(META, corpus, corpus, TrainingListener.NONE);

        assertThat(TaggerEvaluation.accuracy(r.model(), corpus).value()).isEqualTo(1.0);
        assertThat(r.epochLosses()).hasSize(15);
        assertThat(r.epochLosses().get(14)).isLessThan(r.epochLosses().get(0) / 10);
        assertThat(r.devAccuracy()).hasSize(15).last().isEqualTo(1.0);
    }

    @Test
    void theSameSeedGivesBitIdenticalWeights() {
        List<TaggedSentence> corpus = toyCorpus(30, 3);
        TaggerTrainer.Settings opts = small().epochs(3).build();

        ParameterSet a = new TaggerTrainer(opts).train(META, corpus, List.of(), TrainingListener.NONE).model().parameters();
        ParameterSet b = new TaggerTrainer(opts).train(META, corpus, List.of(), TrainingListener.NONE).model().parameters();
        ParameterSet c = new TaggerTrainer(opts.toBuilder().seed(2).build()).train(META, corpus, List.of(), TrainingListener.NONE).model().parameters();

        for (String name : a.asMap().keySet()) {
            assertThat(a.get(name).data()).as(name).containsExactly(b.get(name).data());
        }
        assertThat(a.get("hidden2tag.weight").data()).as("hidden2tag.weight, another seed").isNotEqualTo(c.get("hidden2tag.weight").data());
    }

    @Test
    void rareWordsShareTheUnknownEntryAndAnUnseenWordIsTagged() {
        List<TaggedSentence> corpus = new ArrayList<>(toyCorpus(40, 11));
        corpus.add(new TaggedSentence(List.of("the", "zebra", "ate"), List.of("DET", "NOUN", "VERB")));

        TaggerTrainer.Result r = new TaggerTrainer(small().minCount(2).build()).train(META, corpus, List.of(), TrainingListener.NONE);
        TaggerModel model = r.model();

        Vocabulary words = model.words();
        assertThat(words.get(0)).isEqualTo(Vocabulary.UNKNOWN);
        assertThat(words.contains("zebra")).isFalse();
        assertThat(model.wordIndex("zebra")).isZero();
        assertThat(words.contains("dog")).isTrue();
        List<Prediction.Tag> tagged = model.tag(List.of("the", "platypus", "ate", "a", "book"));
        assertThat(tagged).extracting(Prediction.Tag::tag).containsExactly("DET", "NOUN", "VERB", "DET", "NOUN");
    }

    @Test
    void aPaddedBatchHasTheTokenWeightedMeanOfSingleSentenceGradients() {
        List<TaggedSentence> corpus = toyCorpus(20, 5);
        List<TaggedSentence> three = List.of(
                new TaggedSentence(List.of("the", "dog"), List.of("DET", "NOUN")),
                new TaggedSentence(List.of("a", "big", "cat", "saw", "the", "apple"), List.of("DET", "ADJ", "NOUN", "VERB", "DET", "NOUN")),
                new TaggedSentence(List.of("every", "book", "read"), List.of("DET", "NOUN", "VERB")));
        TaggerModel model = new TaggerTrainer(small().build()).newModel(META, corpus);
        Gemm gemm = new Gemm();
        int[][] words = three.stream().map(s -> s.words().stream().mapToInt(model::wordIndex).toArray()).toArray(int[][]::new);
        int[][] tags = three.stream().map(s -> s.tags().stream().mapToInt(t -> model.tags().require(t)).toArray()).toArray(int[][]::new);
        int total = Arrays.stream(words).mapToInt(w -> w.length).sum();

        Map<String, double[]> expected = new LinkedHashMap<>();
        double expectedLoss = 0;
        for (int s = 0; s < 3; s++) {
            model.parameters().zeroGrad();
            double loss = model.backward(model.forward(new int[][]{words[s]}, gemm), new int[][]{tags[s]}, gemm);
            double share = (double) words[s].length / total;
            expectedLoss += share * loss;
            for (ParameterSet.Parameter p : model.parameters().asMap().values()) {
                double[] acc = expected.computeIfAbsent(p.name(), k -> new double[p.gradData().length]);
                for (int i = 0; i < acc.length; i++) {
                    acc[i] += share * p.gradData()[i];
                }
            }
        }
        model.parameters().zeroGrad();
        double batchLoss = model.backward(model.forward(words, gemm), tags, gemm);

        assertThat(batchLoss).isCloseTo(expectedLoss, org.assertj.core.data.Offset.offset(1e-6));
        for (ParameterSet.Parameter p : model.parameters().asMap().values()) {
            double[] want = expected.get(p.name());
            double maxNorm = Arrays.stream(want).map(Math::abs).max().orElse(0);
            assertThat(maxNorm).as("gradient of %s is exercised", p.name()).isGreaterThan(0);
            for (int i = 0; i < want.length; i++) {
                assertThat((double) p.gradData()[i]).as("%s[%d]", p.name(), i)
                        .isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, Math.abs(want[i]))));
            }
        }
    }

    @Test
    void batchesCoverEverySentenceOnceAndGroupSimilarLengths() {
        List<TaggedSentence> corpus = toyCorpus(50, 13);

        List<int[]> batches = TaggerTrainer.batches(corpus, 8, new SplittableRandom(1));

        assertThat(batches.stream().flatMapToInt(Arrays::stream).sorted().toArray())
                .containsExactly(java.util.stream.IntStream.range(0, 50).toArray());
        int padded = 0;
        for (int[] b : batches) {
            int max = Arrays.stream(b).map(i -> corpus.get(i).length()).max().orElseThrow();
            int min = Arrays.stream(b).map(i -> corpus.get(i).length()).min().orElseThrow();
            padded += max - min;
        }
        // lengths run from 3 to 6: sorted batches differ by at most one length step, bar the boundaries
        assertThat(padded).isLessThanOrEqualTo(3);
    }
}
