package io.stepwise.jobs.training;

import io.stepwise.wire.LabelledExample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded labelled examples of a toy language in which every word has one tag, so that a small
 * tagger can learn it fully: determiner, optional adjective, noun, verb, optional object, optional adverb.
 */
final class ToyLanguage {

    private static final String[] DETS = {"the", "a", "every"};
    private static final String[] ADJS = {"red", "old", "small"};
    private static final String[] NOUNS = {"dog", "cat", "apple", "book", "bird"};
    private static final String[] VERBS = {"ate", "saw", "read"};

    private ToyLanguage() {
    }

    static List<LabelledExample> sentences(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<LabelledExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> w = new ArrayList<>();
            List<String> t = new ArrayList<>();
            add(w, t, pick(DETS, rng), "DET");
            if (rng.nextBoolean()) {
                add(w, t, pick(ADJS, rng), "ADJ");
            }
            add(w, t, pick(NOUNS, rng), "NOUN");
            add(w, t, pick(VERBS, rng), "VERB");
            if (rng.nextBoolean()) {
                add(w, t, pick(DETS, rng), "DET");
                add(w, t, pick(NOUNS, rng), "NOUN");
            }
            if (rng.nextInt(4) == 0) {
                add(w, t, "quickly", "ADV");
            }
            out.add(LabelledExample.tagged(w.toArray(String[]::new), t.toArray(String[]::new)));
        }
        return out;
    }

    /** Number sequences of 2 to 6 values in [-100, 100), targets their running sums. */
    static List<LabelledExample> sums(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<LabelledExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] v = new double[2 + rng.nextInt(5)];
            for (int k = 0; k < v.length; k++) {
                v[k] = rng.nextInt(200) - 100;
            }
            out.add(LabelledExample.sums(v, null));
        }
        return out;
    }

    private static String pick(String[] words, SplittableRandom rng) {
        return words[rng.nextInt(words.length)];
    }

    private static void add(List<String> w, List<String> t, String word, String tag) {
        w.add(word);
        t.add(tag);
    }
}
