package io.stepwise.pipeline;

import io.stepwise.wire.Element;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark's input: {@code streams} streams of sentences, interleaved at random, each stream
 * in its own order with {@code seq} counting from 1, an end marker after every sentence. Sentences
 * have UD English EWT's mean length (about 16 tokens; here uniform over 4..28), and their words
 * follow Zipf's law over a generated vocabulary, so that a few words are frequent and the model's
 * embedding table is read all over, as with real text. Number streams have the same shape with
 * values in [-100, 100] instead of words. Everything follows from the seed.
 *
 * <p>It never ends: the latency phase goes on with the same streams where the pre-filled part
 * stopped.
 */
public final class ElementGenerator {

    /** Shortest and longest sentence; the mean, 16, is that of UD English EWT's training sentences. */
    static final int MIN_LENGTH = 4;
    static final int MAX_LENGTH = 28;

    /** What the streams carry. */
    public enum Content {
        TOKENS("chat-"), NUMBERS("meter-");

        final String streamPrefix;

        Content(String streamPrefix) {
            this.streamPrefix = streamPrefix;
        }
    }

    private final Content content;
    private final String[] streamNames;
    private final ZipfWords words;
    private final SplittableRandom rng;
    private final long[] seq;
    /** Elements left in each stream's current sentence; 0: its end marker is next. */
    private final int[] left;
    /** Whether a stream's current sentence has had a word. */
    private final boolean[] begun;

    public ElementGenerator(int streams, Content content, ZipfWords words, long seed) {
        if (streams < 1) {
            throw new IllegalArgumentException("--streams must be >= 1, got " + streams);
        }
        this.content = content;
        this.words = words;
        this.rng = new SplittableRandom(seed);
        this.streamNames = new String[streams];
        this.seq = new long[streams];
        this.left = new int[streams];
        this.begun = new boolean[streams];
        for (int s = 0; s < streams; s++) {
            streamNames[s] = content.streamPrefix + s;
            left[s] = sentenceLength();
        }
    }

    /** The next element of a stream picked at random: a word (or number) of its sentence, or the sentence's end marker. */
    public Element next(long ts) {
        int s = rng.nextInt(streamNames.length);
        long n = ++seq[s];
        if (left[s] == 0) {
            left[s] = sentenceLength();
            begun[s] = false;
            return Element.endOf(streamNames[s], n, ts);
        }
        left[s]--;
        begun[s] = true;
        return content == Content.TOKENS
                ? Element.token(streamNames[s], n, ts, words.draw(rng))
                : Element.value(streamNames[s], n, ts, rng.nextInt(201) - 100);
    }

    /**
     * The end markers of every sentence begun and not ended, in stream order; those streams then
     * begin new sentences. A tagger with decoding delay gives the last words of a sentence their
     * final tags only at its end marker, so a phase that stops mid-sentence ends its sentences.
     */
    public List<Element> endOpenSentences(long ts) {
        List<Element> ends = new ArrayList<>();
        for (int s = 0; s < streamNames.length; s++) {
            if (begun[s]) {
                ends.add(Element.endOf(streamNames[s], ++seq[s], ts));
                begun[s] = false;
                left[s] = sentenceLength();
            }
        }
        return ends;
    }

    private int sentenceLength() {
        return MIN_LENGTH + rng.nextInt(MAX_LENGTH - MIN_LENGTH + 1);
    }

    /**
     * Words {@code w0, w1, ...} drawn with probability proportional to {@code 1 / (rank + 1)}
     * (Zipf's law, as word frequencies in text roughly follow).
     */
    public static final class ZipfWords {
        private final List<String> words;
        private final double[] cumulative;

        public ZipfWords(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("at least one word, got " + count);
            }
            List<String> w = new ArrayList<>(count);
            cumulative = new double[count];
            double total = 0;
            for (int i = 0; i < count; i++) {
                w.add("w" + i);
                total += 1.0 / (i + 1);
                cumulative[i] = total;
            }
            for (int i = 0; i < count; i++) {
                cumulative[i] /= total;
            }
            words = List.copyOf(w);
        }

        /** The words, most frequent first. */
        public List<String> words() {
            return words;
        }

        /** The most frequent {@code n} words: a model's vocabulary, leaving the rarer ones unknown to it. */
        public List<String> mostFrequent(int n) {
            return words.subList(0, Math.min(n, words.size()));
        }

        String draw(SplittableRandom rng) {
            double u = rng.nextDouble();
            int lo = 0;
            int hi = cumulative.length - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return words.get(lo);
        }
    }
}
