package io.stepwise.e2e;

import io.stepwise.wire.LabelledExample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded labelled sentences over the words of {@link Workloads#WORDS} (and two words they lack),
 * each word with one tag, so that a small tagger learns them within a round or two.
 */
public final class TaggedExamples {

    private static final String[] DETS = {"the", "a"};
    private static final String[] ADJS = {"red", "old", "big"};
    private static final String[] NOUNS = {"dog", "cat", "apple", "book", "bird"};
    private static final String[] VERBS = {"ate", "saw", "read"};
    private static final String[] PRONS = {"she", "he"};

    private TaggedExamples() {
    }

    public static List<LabelledExample> sentences(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<LabelledExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String[]> s = new ArrayList<>();
            if (rng.nextInt(3) == 0) {
                s.add(new String[]{pick(PRONS, rng), "PRON"});
            } else {
                s.add(new String[]{pick(DETS, rng), "DET"});
                if (rng.nextBoolean()) {
                    s.add(new String[]{pick(ADJS, rng), "ADJ"});
                }
                s.add(new String[]{pick(NOUNS, rng), "NOUN"});
            }
            s.add(new String[]{pick(VERBS, rng), "VERB"});
            s.add(new String[]{pick(DETS, rng), "DET"});
            s.add(new String[]{pick(NOUNS, rng), "NOUN"});
            if (rng.nextInt(3) == 0) {
                s.add(new String[]{"and", "CCONJ"});
                s.add(new String[]{pick(NOUNS, rng), "NOUN"});
            }
            if (rng.nextInt(4) == 0) {
                s.add(new String[]{"quickly", "ADV"});
            }
            out.add(LabelledExample.tagged(s.stream().map(p -> p[0]).toArray(String[]::new), s.stream().map(p -> p[1]).toArray(String[]::new)));
        }
        return out;
    }

    static List<String[]> records(List<LabelledExample> examples) {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            out.add(new String[]{"example-" + i, examples.get(i).toJson()});
        }
        return out;
    }

    private static String pick(String[] words, SplittableRandom rng) {
        return words[rng.nextInt(words.length)];
    }
}
