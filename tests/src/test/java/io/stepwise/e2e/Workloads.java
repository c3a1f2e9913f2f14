package io.stepwise.e2e;

import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.Vocabulary;
import io.stepwise.wire.Element;
import io.stepwise.wire.ElementCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Seeded test streams and small models for the end-to-end tests. */
public final class Workloads {

    public static final List<String> WORDS = List.of("the", "a", "dog", "cat", "ate", "saw", "apple", "book", "red", "old",
            "quickly", "and", "she", "he", "read", "that");

    private Workloads() {
    }

    public static TaggerModel tagger(int version, long seed) {
        return new TaggerModel(new ModelMeta("tagger", version, Map.of()), Vocabulary.withUnknown(WORDS),
                Vocabulary.closed(List.of("DET", "NOUN", "VERB", "ADJ", "ADV", "CCONJ", "PRON")), 8, 12, 1).initRandom(seed);
    }

    /** A streaming tagger: character features, decoding delay 2, lower-cased lookup. */
    static TaggerModel streamingTagger(int version, long seed) {
        java.util.Set<String> chars = new java.util.TreeSet<>();
        WORDS.forEach(w -> w.codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp)))));
        return new TaggerModel(new ModelMeta("tagger", version, Map.of()), Vocabulary.withUnknown(
                WORDS.stream().map(w -> w.toLowerCase(java.util.Locale.ROOT)).distinct().toList()),
                Vocabulary.closed(List.of("DET", "NOUN", "VERB", "ADJ", "ADV", "CCONJ", "PRON")),
                Vocabulary.withUnknown(new ArrayList<>(chars)),
                new io.stepwise.model.TaggerShape(8, 12, 1, 4, 5, 12, 2, true)).initRandom(seed);
    }

    public static SumModel sum(int version, long seed) {
        return new SumModel(new ModelMeta("sum", version, Map.of()), 10, 1, 100f, 100f).initRandom(seed);
    }

    /**
     * {@code streams} streams of sentences (with end markers), interleaved at random but each stream
     * in its own order, seq numbered per stream from {@code firstSeq}. Some words are unknown.
     */
    public static List<Element> sentences(int streams, int sentencesPerStream, long firstSeq, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<List<Element>> perStream = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            List<Element> es = new ArrayList<>();
            long seq = firstSeq;
            for (int k = 0; k < sentencesPerStream; k++) {
                int len = 2 + rng.nextInt(6);
                for (int i = 0; i < len; i++) {
                    String w = rng.nextInt(20) == 0 ? "unseen" + rng.nextInt(100) : WORDS.get(rng.nextInt(WORDS.size()));
                    es.add(Element.token("chat-" + s, seq++, null, w));
                }
                es.add(Element.endOf("chat-" + s, seq++, null));
            }
            perStream.add(es);
        }
        return interleave(perStream, rng);
    }

    /** Number streams without end (meters run forever), interleaved. */
    public static List<Element> numbers(int streams, int perStream, long firstSeq, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<List<Element>> all = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            List<Element> es = new ArrayList<>();
            for (int i = 0; i < perStream; i++) {
                es.add(Element.value("meter-" + s, firstSeq + i, null, rng.nextInt(200) - 100));
            }
            all.add(es);
        }
        return interleave(all, rng);
    }

    static List<Element> interleave(List<List<Element>> perStream, SplittableRandom rng) {
        List<Element> out = new ArrayList<>();
        int[] next = new int[perStream.size()];
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < perStream.size(); i++) {
            if (!perStream.get(i).isEmpty()) {
                open.add(i);
            }
        }
        while (!open.isEmpty()) {
            int pick = rng.nextInt(open.size());
            int s = open.get(pick);
            out.add(perStream.get(s).get(next[s]++));
            if (next[s] == perStream.get(s).size()) {
                open.remove(pick);
            }
        }
        return out;
    }

    static List<String[]> records(List<Element> elements) {
        List<String[]> out = new ArrayList<>();
        for (Element e : elements) {
            out.add(new String[]{e.stream(), ElementCodec.write(e)});
        }
        return out;
    }
}
