package io.stepwise.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ElementCodecTest {

    @Test
    void readsTheThreeKindsOfElement() throws Exception {
        Element token = ElementCodec.parse("{\"stream\":\"chat-7\",\"seq\":12,\"ts\":1764390000000,\"token\":\"dog\"}");
        Element value = ElementCodec.parse("{\"stream\":\"meter-3\",\"seq\":5,\"value\":-42.0}");
        Element end = ElementCodec.parse("{\"stream\":\"chat-7\",\"seq\":13,\"end\":true}");

        assertThat(token).isEqualTo(Element.token("chat-7", 12L, 1764390000000L, "dog"));
        assertThat(value).isEqualTo(Element.value("meter-3", 5L, null, -42.0));
        assertThat(end).isEqualTo(Element.endOf("chat-7", 13L, null));
    }

    @Test
    void seqAndTsAreOptionalAndOtherFieldsAreIgnored() throws Exception {
        assertThat(ElementCodec.parse("{\"stream\":\"s\",\"token\":\"a\",\"source\":\"app\"}"))
                .isEqualTo(Element.token("s", null, null, "a"));
    }

    @Test
    void writtenElementsReadBackEqual() throws Exception {
        for (Element e : new Element[]{Element.token("a", 1L, 2L, "x\"y"), Element.value("b", null, 7L, 1.5), Element.endOf("c", 3L, null)}) {
            assertThat(ElementCodec.parse(ElementCodec.write(e))).isEqualTo(e);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json at all|not JSON",
        "[1,2]|not a JSON object",
        "{\"token\":\"dog\"}|missing 'stream'",
        "{\"stream\":\"s\"}|needs a 'token' or a 'value'",
        "{\"stream\":\"s\",\"value\":\"12\"}|'value' must be a number",
        "{\"stream\":\"s\",\"value\":1e300}|beyond",
        "{\"stream\":7,\"token\":\"a\"}|'stream' must be a string",
        "{\"stream\":\"s\",\"seq\":1.5,\"token\":\"a\"}|'seq' must be an integer",
        "{\"stream\":\"s\",\"seq\":-1,\"token\":\"a\"}|must not be negative",
        "{\"stream\":\"s\",\"token\":\"a\",\"value\":1}|not both",
        "{\"stream\":\"s\",\"end\":\"yes\"}|'end' must be true or false",
        "{\"stream\":\"\",\"token\":\"a\"}|'stream' is empty",
        "{\"stream\":\"s\",\"seq\":1,\"token\":\"dog\"}}|trailing characters",
        "{\"stream\":\"s\",\"token\":\"dog\"} x|trailing characters",
        "{\"stream\":\"s\",\"token\":\"a\",\"token\":\"b\"}|given twice",
        "{\"stream\":\"s\",\"seq\":99999999999999999999,\"token\":\"a\"}|'seq' 99999999999999999999 is larger than 9223372036854775807",
        "{\"stream\":\"s\",\"value\":1e309}|not finite",
        "{\"stream\":\"s\",\"token\":[\"a\"]}|'token' must be a string",
        "{\"stream\":\"  \",\"token\":\"a\"}|'stream' is only white space",
        "{\"stream\":\"s\",\"seq\":\"1\",\"token\":\"a\"}|'seq' must be an integer, got STRING \"1\"",
        "{\"stream\":\"s\",\"seq\":{\"n\":1},\"token\":\"a\"}|'seq' must be an integer, got OBJECT",
        "{\"stream\":\"s\",\"seq\":9223372036854775808,\"token\":\"a\"}|'seq' 9223372036854775808 is larger than 9223372036854775807, the largest accepted",
        "{\"stream\":\"s\",\"seq\":-9223372036854775809,\"token\":\"a\"}|'seq' must not be negative",
        "{\"stream\":\"s\",\"value\":-1e309}|'value' -1e309 is not finite",
        "{\"stream\":\"s\",\"value\":NaN}|'NaN': NaN and Infinity are not JSON numbers",
        "{\"stream\":\"s\",\"value\":-Infinity}|'-Infinity': NaN and Infinity are not JSON numbers",
        "42|not a JSON object: NUMBER 42",
        "'   '|empty record: the value is only white space",
        "''|empty record: the value is empty",
    })
    void malformedRecordsAreRejectedWithAReason(String raw, String reason) {
        assertThatThrownBy(() -> ElementCodec.parse(raw))
                .isInstanceOf(InvalidElementException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void aTombstoneIsAnEmptyRecord() {
        assertThatThrownBy(() -> ElementCodec.parse(null)).hasMessage("empty record: the value is null (a tombstone)");
    }

    @Test
    void nestingBeyondTheParsersLimitIsRefusedInWordsAProducerCanActOn() {
        String deep = "{\"stream\":\"s\",\"token\":\"a\",\"meta\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThatThrownBy(() -> ElementCodec.parse(deep)).hasMessage("JSON nested more than 1000 levels deep, the limit");
    }

    @Test
    void oversizedStreamIdsAndRecordsAreRejected() {
        String longId = "x".repeat(ElementCodec.MAX_STREAM_CHARS + 1);
        assertThatThrownBy(() -> ElementCodec.parse("{\"stream\":\"" + longId + "\",\"token\":\"a\"}"))
                .hasMessageContaining("exceeds");
        String huge = "x".repeat(ElementCodec.MAX_RECORD_CHARS);
        assertThatThrownBy(() -> ElementCodec.parse("{\"stream\":\"s\",\"token\":\"" + huge + "\"}"))
                .hasMessageContaining("exceeds");
    }

    @Test
    void aTokenOfAnyLengthAndScriptIsAToken() throws Exception {
        String url = "https://en.wikipedia.org/wiki/" + "Long_Article_Name_".repeat(30);
        for (String token : java.util.List.of(url, "日本語", "Ελληνικά", "مرحبا", "\uD83D\uDE00")) {
            String json = "{\"stream\":\"s\",\"token\":" + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(token) + "}";
            org.assertj.core.api.Assertions.assertThat(ElementCodec.parse(json).token()).isEqualTo(token);
        }
    }

    @Test
    void fieldsAProducerAddsAreIgnoredHoweverDeep() throws Exception {
        String raw = "{\"meta\":{\"a\":[1,{\"b\":null}]},\"stream\":\"s\",\"token\":\"dog\",\"more\":[[[]]]}";
        org.assertj.core.api.Assertions.assertThat(ElementCodec.parse(raw)).isEqualTo(Element.token("s", null, null, "dog"));
    }
}
