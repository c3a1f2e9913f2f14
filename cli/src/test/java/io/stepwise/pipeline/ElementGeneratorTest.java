package io.stepwise.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stepwise.wire.Element;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated streams: each in order, sentences of the stated lengths closed by end markers, words by Zipf's law. */
class ElementGeneratorTest {

    private static final ElementGenerator.ZipfWords WORDS = new ElementGenerator.ZipfWords(5000);

    @Test
    void eachStreamCountsSeqFromOneAndEndsEverySentenceOfFourToTwentyEightWords() {
        ElementGenerator g = new ElementGenerator(20, ElementGenerator.Content.TOKENS, WORDS, 3);
        Map<String, Long> lastSeq = new HashMap<>();
        Map<String, Integer> sentence = new HashMap<>();
        int ends = 0;
        int tokens = 0;
        for (int i = 0; i < 20_000; i++) {
            Element e = g.next(1000 + i);
            assertThat(e.ts()).isEqualTo(1000 + i);
            assertThat(e.seq()).isEqualTo(lastSeq.getOrDefault(e.stream(), 0L) + 1);
            lastSeq.put(e.stream(), e.seq());
            if (e.end()) {
                assertThat(sentence.get(e.stream())).isBetween(4, 28);
                sentence.put(e.stream(), 0);
                ends++;
            } else {
                assertThat(e.token()).matches("w\\d+");
                sentence.merge(e.stream(), 1, Integer::sum);
                tokens++;
            }
        }
        assertThat(lastSeq).hasSize(20);
        // sentences of 16 words on average: one end marker per ~16 words
        assertThat((double) tokens / ends).isCloseTo(16.0, within(1.0));
    }

    @Test
    void endingOpenSentencesEndsExactlyTheStreamsMidSentenceInTheirOrder() {
        ElementGenerator g = new ElementGenerator(30, ElementGenerator.Content.TOKENS, WORDS, 4);
        Map<String, Element> last = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            Element e = g.next(i);
            last.put(e.stream(), e);
        }
        Map<String, Long> ended = new HashMap<>();
        for (Element end : g.endOpenSentences(7)) {
            assertThat(end.end()).isTrue();
            assertThat(end.ts()).isEqualTo(7);
            Element before = last.get(end.stream());
            assertThat(before).as(end.stream()).isNotNull();
            assertThat(before.end()).as("%s was mid-sentence", end.stream()).isFalse();
            assertThat(end.seq()).isEqualTo(before.seq() + 1);
            ended.put(end.stream(), end.seq());
        }
        long midSentence = last.values().stream().filter(e -> !e.end()).count();
        assertThat(ended).hasSize((int) midSentence).isNotEmpty();
        assertThat(g.endOpenSentences(8)).as("nothing is open any more").isEmpty();
        // the streams go on with new sentences, seq unbroken
        for (int i = 0; i < 500; i++) {
            Element e = g.next(i);
            long before = ended.containsKey(e.stream()) ? ended.remove(e.stream()) : -1;
            if (before >= 0) {
                assertThat(e.seq()).isEqualTo(before + 1);
                assertThat(e.end()).as("a new sentence starts with a word").isFalse();
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameStreams() {
        ElementGenerator a = new ElementGenerator(50, ElementGenerator.Content.NUMBERS, WORDS, 9);
        ElementGenerator b = new ElementGenerator(50, ElementGenerator.Content.NUMBERS, WORDS, 9);
        for (int i = 0; i < 1000; i++) {
            Element x = a.next(0);
            assertThat(b.next(0)).isEqualTo(x);
            if (!x.end()) {
                assertThat(x.value()).isBetween(-100.0, 100.0);
                assertThat(x.stream()).startsWith("meter-");
            }
        }
    }

    @Test
    void wordsFollowZipfsLaw() {
        ElementGenerator g = new ElementGenerator(1, ElementGenerator.Content.TOKENS, WORDS, 5);
        Map<String, Integer> counts = new HashMap<>();
        int n = 0;
        while (n < 200_000) {
            Element e = g.next(0);
            if (!e.end()) {
                counts.merge(e.token(), 1, Integer::sum);
                n++;
            }
        }
        double harmonic = 0;
        for (int i = 1; i <= 5000; i++) {
            harmonic += 1.0 / i;
        }
        // P(rank r) = 1 / (r * H_5000): ~10.8% for w0, half that for w1
        assertThat(counts.get("w0") / (double) n).isCloseTo(1 / harmonic, within(0.005));
        assertThat(counts.get("w1") / (double) n).isCloseTo(0.5 / harmonic, within(0.004));
        assertThat(WORDS.mostFrequent(3)).containsExactly("w0", "w1", "w2");
    }
}
