package io.stepwise.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.wire.Element;
import io.stepwise.wire.ElementCodec;
import io.stepwise.wire.Result;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reader's view of an output record: results the job writes and elements the copy copies. */
class ResultFieldsTest {

    private static ResultFields parse(String json) {
        return ResultFields.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsWhichElementAResultAnswersAndWhenItWasSent() {
        String json = new Result.Tag("chat-7", 12L, 1764390000123L, "dog", "NOUN", 0.93f, "tagger", 3).toJson();
        assertThat(parse(json)).isEqualTo(new ResultFields("chat-7", 12, 1764390000123L, false));
        String sum = new Result.Sum("meter-3", 5L, 77L, -42.0, 130.7, 131.0, "sum", 2).toJson();
        assertThat(parse(sum)).isEqualTo(new ResultFields("meter-3", 5, 77, false));
    }

    @Test
    void aDelayedTaggersTagAtOnceSaysSoAndItsFinalTagDoesNot() {
        assertThat(parse(new Result.Tag("chat-7", 12L, 1L, "dog", "NOUN", 0.5f, "tagger", 3, false).toJson()).atOnce()).isTrue();
        assertThat(parse(new Result.Tag("chat-7", 12L, 1L, "dog", "NOUN", 0.5f, "tagger", 3, true).toJson()).atOnce()).isFalse();
        // a token that spells the field is inside a string, where its quotes are escaped
        assertThat(parse(new Result.Tag("chat-7", 12L, 1L, ",\"final\":false", "X", 0.5f, "tagger", 3, true).toJson()).atOnce())
                .isFalse();
        assertThat(parse(new Result.Tag("chat-7", 12L, 1L, "dog", "NOUN", 0.5f, "tagger", 3).toJson()).atOnce()).isFalse();
    }

    @Test
    void aCopiedEndMarkerSaysSo() {
        assertThat(parse(ElementCodec.write(Element.endOf("chat-1", 9L, 5L))).end()).isTrue();
        assertThat(parse(ElementCodec.write(Element.token("chat-1", 8L, 5L, "end"))).end()).isFalse();
    }

    @Test
    void fieldsItDoesNotUseAreSkippedWhateverTheirShape() {
        assertThat(parse("{\"x\":{\"seq\":99,\"a\":[1,{\"ts\":3}]},\"stream\":\"s\",\"seq\":4,\"ts\":5}"))
                .isEqualTo(new ResultFields("s", 4, 5, false));
    }

    @Test
    void whatTheWritersProduceIsReadFromItsPrefixAsTheParserReadsIt() {
        List<String> written = List.of(
                new Result.Tag("chat-7", 12L, 1764390000123L, "dog", "NOUN", 0.93f, "tagger", 3).toJson(),
                new Result.Sum("meter-3", 5L, 77L, -42.0, 130.7, 131.0, "sum", 2).toJson(),
                ElementCodec.write(Element.endOf("chat-1", 9L, 5L)),
                ElementCodec.write(Element.token("chat-1", 8L, 5L, "\"seq\":1,\"ts\":2")),
                ElementCodec.write(Element.token("straße-1", 8L, 5L, "x")),
                new Result.Tag("chat-7", 12L, 1L, "dog", "NOUN", 0.5f, "tagger", 3, false).toJson(),
                new Result.Tag("chat-7", 12L, 1L, ",\"final\":false", "NOUN", 0.5f, "tagger", 3, true).toJson());
        for (String json : written) {
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            assertThat(ResultFields.prefix(b)).as(json).isNotNull().isEqualTo(ResultFields.parseJson(b));
        }
    }

    @Test
    void anyOtherShapeGoesThroughTheParser() {
        for (String json : List.of("{\"seq\":4,\"stream\":\"s\",\"ts\":5}", "{ \"stream\": \"s\", \"seq\": 4, \"ts\": 5 }",
                "{\"stream\":\"s\\u0041\",\"seq\":4,\"ts\":5}", "{\"stream\":\"s\",\"seq\":4.0,\"ts\":5}")) {
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            assertThat(ResultFields.prefix(b)).as(json).isNull();
            assertThat(ResultFields.parse(b).seq()).as(json).isEqualTo(4);
        }
        assertThat(parse("{\"stream\":\"s\\u0041\",\"seq\":4,\"ts\":5}").stream()).isEqualTo("sA");
    }

    @Test
    void aRecordWithoutSeqOrTsCannotBeChecked() {
        assertThatThrownBy(() -> parse("{\"stream\":\"s\",\"ts\":5}")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seq");
        assertThatThrownBy(() -> parse("not json")).isInstanceOf(IllegalArgumentException.class);
    }
}
