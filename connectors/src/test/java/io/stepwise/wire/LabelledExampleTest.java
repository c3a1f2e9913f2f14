package io.stepwise.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.model.ModelKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelledExampleTest {

    @Test
    void readsATaggedSentence() throws Exception {
        LabelledExample e = LabelledExample.parse("{\"tokens\":[\"The\",\"dog\"],\"tags\":[\"DET\",\"NOUN\"],\"source\":\"x\"}");

        assertThat(e.kind()).isEqualTo(ModelKind.TAGGER);
        assertThat(e.taggedSentence().words()).containsExactly("The", "dog");
        assertThat(e.taggedSentence().tags()).containsExactly("DET", "NOUN");
    }

    @Test
    void sumTargetsAreTheRunningSumsUnlessGiven() throws Exception {
        LabelledExample plain = LabelledExample.parse("{\"values\":[3,-5,7]}");
        LabelledExample given = LabelledExample.parse("{\"values\":[3,-5,7],\"targets\":[0,0,1.5]}");

        assertThat(plain.kind()).isEqualTo(ModelKind.SUM);
        assertThat(plain.sumSequence().targets()).containsExactly(3, -2, 5);
        assertThat(given.sumSequence().targets()).containsExactly(0, 0, 1.5);
    }

    @Test
    void writtenExamplesReadBackEqual() throws Exception {
        for (LabelledExample e : List.of(LabelledExample.tagged(new String[]{"a\"b", "c"}, new String[]{"X", "Y"}),
                LabelledExample.sums(new double[]{1.5, -2}, null), LabelledExample.sums(new double[]{1}, new double[]{4}))) {
            assertThat(LabelledExample.parse(e.toJson())).isEqualTo(e);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json|not JSON",
        "[1]|not a JSON object",
        "{}|needs 'tokens' with 'tags'",
        "{\"tokens\":[\"a\"],\"values\":[1]}|not both",
        "{\"tokens\":[\"a\",\"b\"]}|needs 'tags'",
        "{\"tokens\":[\"a\",\"b\"],\"tags\":[\"X\"]}|2 tokens but 1 tags",
        "{\"tokens\":\"a b\",\"tags\":[\"X\"]}|'tokens' must be an array",
        "{\"tokens\":[],\"tags\":[]}|'tokens' is empty",
        "{\"tokens\":[\"a\",3],\"tags\":[\"X\",\"Y\"]}|'tokens'[1] must be a non-empty string",
        "{\"tokens\":[\"a\"],\"tags\":[\"\"]}|'tags'[0] must be a non-empty string",
        "{\"values\":[1,\"2\"]}|'values'[1] must be a number",
        "{\"values\":[1,1e300]}|'values'[1]",
        "{\"values\":[1,2],\"targets\":[1]}|2 values but 1 targets",
        "{\"tokens\":[\"a\"],\"tags\":[\"X\"]}}|trailing characters after the JSON object",
        "{\"tokens\":[\"a\"],\"tags\":[\"X\"],\"tags\":[\"Y\"]}|'tags' is given twice",
        "{\"values\":[NaN]}|NaN and Infinity are not JSON numbers",
        "''|empty record",
    })
    void rejectsWhatCannotBeTrainedOnWithAReason(String raw, String reason) {
        assertThatThrownBy(() -> LabelledExample.parse(raw)).isInstanceOf(InvalidElementException.class).hasMessageContaining(reason);
    }

    @Test
    void rejectsOversizedSequencesAndFields() {
        String longList = "[" + "1,".repeat(LabelledExample.MAX_LENGTH) + "1]";
        assertThatThrownBy(() -> LabelledExample.parse("{\"values\":" + longList + "}")).hasMessageContaining("more than");
        String longTag = "T".repeat(LabelledExample.MAX_TAG_CHARS + 1);
        assertThatThrownBy(() -> LabelledExample.parse("{\"tokens\":[\"w\"],\"tags\":[\"" + longTag + "\"]}")).hasMessageContaining("exceeds");
    }

    @Test
    void aWordOfAnyLengthIsAWord() throws Exception {
        String url = "https://example.com/" + "a".repeat(600);
        assertThat(LabelledExample.parse("{\"tokens\":[\"" + url + "\"],\"tags\":[\"X\"]}").taggedSentence().words())
                .containsExactly(url);
    }

    @Test
    void theRepositoryExamplesParse() throws Exception {
        for (String line : Files.readAllLines(Path.of("..", "examples", "tagged-sentences.jsonl"))) {
            assertThat(LabelledExample.parse(line).kind()).isEqualTo(ModelKind.TAGGER);
        }
        for (String line : Files.readAllLines(Path.of("..", "examples", "sum-examples.jsonl"))) {
            assertThat(LabelledExample.parse(line).kind()).isEqualTo(ModelKind.SUM);
        }
    }
}
