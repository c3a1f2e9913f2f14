package io.stepwise.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stepwise.train.TaggedSentence;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConlluTest {

    private static final String SNIPPET = String.join("\n",
            "# newdoc id = test",
            "# sent_id = 1",
            "# text = I don't know.",
            "1\tI\tI\tPRON\tPRP\t_\t4\tnsubj\t_\t_",
            "2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_",
            "2\tdo\tdo\tAUX\tVBP\t_\t4\taux\t_\t_",
            "3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_",
            "4\tknow\tknow\tVERB\tVB\t_\t0\troot\t_\t_",
            "4.1\tknows\tknow\tVERB\tVBZ\t_\t_\t_\t4:conj\t_",
            "5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_",
            "",
            "# sent_id = 2",
            "1\tYes\tyes\tINTJ\tUH\t_\t0\troot\t_\t_",
            "");

    @Test
    void readsFormAndUposSkippingCommentsRangesAndEmptyNodes() throws IOException {
        List<TaggedSentence> sentences = Conllu.read(new StringReader(SNIPPET), "snippet");

        assertThat(sentences).containsExactly(
                new TaggedSentence(List.of("I", "do", "n't", "know", "."), List.of("PRON", "AUX", "PART", "VERB", "PUNCT")),
                new TaggedSentence(List.of("Yes"), List.of("INTJ")));
    }

    @Test
    void theLastSentenceNeedsNoTrailingBlankLine() throws IOException {
        String noTrailing = SNIPPET.strip();

        assertThat(Conllu.read(new StringReader(noTrailing), "snippet")).hasSize(2);
    }

    @Test
    void aLineWithMissingColumnsIsReportedWithFileAndLine() {
        String broken = SNIPPET.replace("4\tknow\tknow\tVERB\tVB\t_\t0\troot\t_\t_", "4 know know VERB");

        assertThatThrownBy(() -> Conllu.read(new StringReader(broken), "broken.conllu"))
                .isInstanceOf(Conllu.FormatException.class)
                .hasMessageStartingWith("broken.conllu:8: ")
                .hasMessageContaining("10 tab-separated columns");
    }

    @Test
    void aBadIdAndAMissingTagAreReported() {
        String badId = SNIPPET.replace("5\t.\t.", "x\t.\t.");
        String noTag = SNIPPET.replace("1\tYes\tyes\tINTJ", "1\tYes\tyes\t_");

        assertThatThrownBy(() -> Conllu.read(new StringReader(badId), "a.conllu")).hasMessageStartingWith("a.conllu:10: ");
        assertThatThrownBy(() -> Conllu.read(new StringReader(noTag), "b.conllu"))
                .hasMessageStartingWith("b.conllu:13: ").hasMessageContaining("UPOS");
    }

    @Test
    void readsTheEnglishEwtTrainingSplit() throws IOException {
        Path train = corpus().resolve("ud-english-ewt/en_ewt-ud-train.conllu");
        assumeTrue(Files.isRegularFile(train), "UD English EWT not found at " + train
                + "; get it with `./stepwise data ud-ewt` (into data/ at the repository root) or point -Dstepwise.corpus at a folder"
                + " that holds ud-english-ewt/");

        List<TaggedSentence> sentences = Conllu.read(train);

        // the counts the treebank's own statistics give for the train split
        assertThat(sentences).hasSize(12544);
        assertThat(sentences.stream().mapToInt(TaggedSentence::length).sum()).isEqualTo(204577);
        assertThat(sentences.stream().flatMap(s -> s.tags().stream()).distinct()).hasSize(17);
    }

    /** The build passes the repository's data folder (or -Dstepwise.corpus); from an IDE, the module's parent's. */
    static Path corpus() {
        return Path.of(System.getProperty("stepwise.corpus", "../data"));
    }
}
