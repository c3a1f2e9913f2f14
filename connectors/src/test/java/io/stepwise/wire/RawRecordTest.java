package io.stepwise.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RawRecordTest {

    private static byte[] element(byte[] token) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("{\"stream\":\"s\",\"seq\":1,\"token\":\"".getBytes(StandardCharsets.UTF_8));
        b.writeBytes(token);
        b.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    private static byte[] hex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "a lone continuation byte, 80",
            "bytes that never start UTF-8, fffe",
            "an overlong slash, c0af",
            "an encoded surrogate, eda080",
            "a sequence cut short, e282",
            "a code point past U+10FFFF, f4908080",
            "Latin-1 text, 63616666e9"})
    void bytesThatAreNotUtf8AreRefusedWithWhereTheyGoWrong(String kind, String bytes) {
        byte[] value = element(hex(bytes));
        RawRecord r = RawRecord.fromBytes("tokens", 0, 7, 1L, "s".getBytes(StandardCharsets.UTF_8), value);

        int firstBad = "{\"stream\":\"s\",\"seq\":1,\"token\":\"".length();
        assertThatThrownBy(r::text).isInstanceOf(InvalidElementException.class)
                .hasMessageContaining("not valid UTF-8").hasMessageContaining("byte");
        // the position points into the token, not past the record
        int at = Integer.parseInt(r.encodingError().replaceAll(".*\\(byte (\\d+) of.*", "$1"));
        assertThat(at).isBetween(firstBad, firstBad + bytes.length() / 2);
        assertThat(r.undecodableBytes()).isEqualTo(value);
    }

    @Test
    void validMultiByteTextDecodesAsItself() throws Exception {
        String token = "naïve 東京 🙂";
        RawRecord r = RawRecord.fromBytes("tokens", 0, 0, 0, null, element(token.getBytes(StandardCharsets.UTF_8)));
        assertThat(r.text()).contains(token);
        assertThat(r.encodingError()).isNull();
        assertThat(r.undecodable()).isNull();
        assertThat(ElementCodec.parse(r.text()).token()).isEqualTo(token);
    }

    @Test
    void theDeadLetterOfAnUndecodableValueKeepsItsExactBytes() throws Exception {
        byte[] value = element(hex("fffe"));
        RawRecord r = RawRecord.fromBytes("tokens", 2, 9, 0, null, value);
        var letter = new ObjectMapper().readTree(DeadLetter.of(r, r.encodingError()).toJson());

        assertThat(letter.get("error").asText()).contains("not valid UTF-8");
        assertThat(Base64.getDecoder().decode(letter.get("value_base64").asText())).isEqualTo(value);
        assertThat(letter.get("offset").asLong()).isEqualTo(9);
    }

    @Test
    void aValidValueHasNoBase64InItsDeadLetter() throws Exception {
        RawRecord r = RawRecord.fromBytes("tokens", 0, 1, 0, null, "nope".getBytes(StandardCharsets.UTF_8));
        var letter = new ObjectMapper().readTree(DeadLetter.of(r, "not JSON").toJson());
        assertThat(letter.has("value_base64")).isFalse();
        assertThat(letter.get("value").asText()).isEqualTo("nope");
    }
}
