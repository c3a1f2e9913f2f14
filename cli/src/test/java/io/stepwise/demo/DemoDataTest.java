package io.stepwise.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.io.Conllu;
import io.stepwise.train.TaggedSentence;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The data the demo ships (cli/src/main/resources/demo, written by cli/tools/make_tagged_sample.py):
 * what the demo's tagger trains on, what it is scored on, and what it is fed, read from the
 * classpath the way the demo reads them.
 */
class DemoDataTest {

    private static final String TRAIN = "/demo/tagged-sample.conllu";
    private static final String DEV = "/demo/tagged-sample-dev.conllu";
    private static final String CHAT = "/demo/chat-streams.txt";

    private static final Set<String> UPOS = Set.of("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM",
            "PART", "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X");

    private static String text(String resource) throws IOException {
        try (InputStream in = DemoDataTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("%s on the classpath", resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<TaggedSentence> conllu(String resource) throws IOException {
        return Conllu.read(new StringReader(text(resource)), resource);
    }

    private static List<String> lowerCase(List<String> words) {
        return words.stream().map(w -> w.toLowerCase(Locale.ROOT)).toList();
    }

    @Test
    void everyTokenHasOneOfTheSeventeenUposTags() throws IOException {
        for (String file : List.of(TRAIN, DEV)) {
            for (TaggedSentence s : conllu(file)) {
                assertThat(s.tags()).as("%s: %s", file, s.words()).allSatisfy(t -> assertThat(UPOS).contains(t));
            }
        }
    }

    @Test
    void theSampleUsesAllSeventeenTags() throws IOException {
        Set<String> used = new TreeSet<>();
        Stream.concat(conllu(TRAIN).stream(), conllu(DEV).stream()).forEach(s -> used.addAll(s.tags()));
        assertThat(used).containsExactlyInAnyOrderElementsOf(UPOS);
    }

    @Test
    void aFewHundredSentencesWithAboutOneInSevenHeldOut() throws IOException {
        int train = conllu(TRAIN).size();
        int dev = conllu(DEV).size();
        assertThat(train + dev).isBetween(400, 600);
        assertThat((double) dev / (train + dev)).isBetween(0.10, 0.20);
        assertThat(DemoModels.chatSentences()).hasSizeBetween(40, 80);
    }

    @Test
    void trainDevAndChatShareNoSentence() throws IOException {
        Set<List<String>> train = new HashSet<>();
        conllu(TRAIN).forEach(s -> train.add(lowerCase(s.words())));
        Set<List<String>> dev = new HashSet<>();
        conllu(DEV).forEach(s -> dev.add(lowerCase(s.words())));
        Set<List<String>> chat = new HashSet<>();
        DemoModels.chatSentences().forEach(s -> chat.add(lowerCase(s)));

        assertThat(train).as("train sentences, each once").hasSize(conllu(TRAIN).size());
        assertThat(dev).doesNotContainAnyElementsOf(train);
        assertThat(chat).doesNotContainAnyElementsOf(train).doesNotContainAnyElementsOf(dev);
    }

    /** The ambiguous words the grammar puts in contrasting contexts keep more than one tag. */
    @Test
    void ambiguousWordsAppearWithTheirDifferentTags() throws IOException {
        Map<String, Set<String>> tagsOf = new HashMap<>();
        for (TaggedSentence s : conllu(TRAIN)) {
            for (int i = 0; i < s.length(); i++) {
                tagsOf.computeIfAbsent(s.words().get(i).toLowerCase(Locale.ROOT), w -> new TreeSet<>()).add(s.tags().get(i));
            }
        }
        assertThat(tagsOf.get("book")).contains("NOUN", "VERB");
        assertThat(tagsOf.get("run")).contains("NOUN", "VERB");
        assertThat(tagsOf.get("like")).contains("VERB", "ADP");
        assertThat(tagsOf.get("that")).contains("SCONJ", "DET", "PRON");
        assertThat(tagsOf.get("to")).contains("PART", "ADP");
        assertThat(tagsOf.get("'s")).contains("PART", "AUX", "PRON");
        assertThat(tagsOf.get("there")).contains("PRON", "ADV");
    }

    /**
     * Beyond what {@link Conllu} enforces (ten columns, IDs 1..n, a tag per word): every sentence
     * has a unique {@code # sent_id} and a {@code # text} that its tokens spell, with
     * {@code SpaceAfter=No} where the text has no space.
     */
    @Test
    void theConlluIsWellFormed() throws IOException {
        for (String file : List.of(TRAIN, DEV)) {
            String raw = text(file);
            assertThat(raw).endsWith("\n\n").doesNotContain("\r");
            List<String> blocks = List.of(raw.strip().split("\n\n"));
            assertThat(blocks).hasSize(conllu(file).size());
            Set<String> ids = new HashSet<>();
            for (String block : blocks) {
                List<String> lines = block.lines().toList();
                assertThat(lines.get(0)).as(file).startsWith("# sent_id = ");
                assertThat(ids.add(lines.get(0))).as("%s: %s is unique", file, lines.get(0)).isTrue();
                assertThat(lines.get(1)).as(file).startsWith("# text = ");
                StringBuilder spelled = new StringBuilder();
                List<String> tokens = lines.subList(2, lines.size());
                for (int i = 0; i < tokens.size(); i++) {
                    String[] cols = tokens.get(i).split("\t", -1);
                    assertThat(cols).as("%s: %s", file, tokens.get(i)).hasSize(10);
                    assertThat(cols[0]).isEqualTo(Integer.toString(i + 1));
                    assertThat(cols[9]).isIn("_", "SpaceAfter=No");
                    spelled.append(cols[1]);
                    if (i < tokens.size() - 1 && cols[9].equals("_")) {
                        spelled.append(' ');
                    }
                }
                assertThat(spelled.toString()).as("%s: tokens of %s", file, lines.get(0))
                        .isEqualTo(lines.get(1).substring("# text = ".length()));
            }
        }
    }

    @Test
    void chatLinesAreSpaceSeparatedTokens() throws IOException {
        List<String> lines = text(CHAT).lines().toList();
        assertThat(lines).hasSize(DemoModels.chatSentences().size());
        List<String> bad = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || !line.equals(line.strip()) || line.contains("  ") || line.contains("\t")) {
                bad.add(line);
            }
        }
        assertThat(bad).as("lines that are not single-space-separated tokens").isEmpty();
    }
}
