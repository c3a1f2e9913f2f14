package io.stepwise.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aValueOfTenMegabytesIsCarriedByItsBeginningSoThatTheLetterFitsAKafkaRecord() throws Exception {
        String huge = "{\"stream\":\"s\",\"token\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}";
        RawRecord r = new RawRecord("tokens", 1, 42, 0, "s", huge);

        String json = DeadLetter.of(r, "record of … characters exceeds 16384").toJson();
        JsonNode letter = JSON.readTree(json);

        assertThat(json.length()).isLessThan(1024 * 1024);
        assertThat(letter.get("value").asText()).isEqualTo(huge.substring(0, DeadLetter.MAX_VALUE_CHARS));
        assertThat(letter.get("value_truncated").asBoolean()).isTrue();
        assertThat(letter.get("value_length").asLong()).isEqualTo(huge.length());
        assertThat(letter.get("offset").asLong()).isEqualTo(42);
    }

    @Test
    void aLargeUndecodableValueKeepsTheBeginningOfItsBytes() throws Exception {
        byte[] bytes = new byte[3 * DeadLetter.MAX_VALUE_CHARS];
        Arrays.fill(bytes, (byte) 0xff);
        RawRecord r = RawRecord.fromBytes("tokens", 0, 7, 0, null, bytes);

        JsonNode letter = JSON.readTree(DeadLetter.of(r, r.encodingError()).toJson());

        assertThat(Base64.getDecoder().decode(letter.get("value_base64").asText())).isEqualTo(Arrays.copyOf(bytes, DeadLetter.MAX_VALUE_CHARS));
        assertThat(letter.get("value_truncated").asBoolean()).isTrue();
    }

    @Test
    void aSurrogatePairIsNeverCutInHalf() throws Exception {
        String value = "a".repeat(DeadLetter.MAX_VALUE_CHARS - 1) + "\uD83D\uDE00" + "b".repeat(10);
        String kept = JSON.readTree(new DeadLetter("e", "t", 0, 0, value).toJson()).get("value").asText();
        assertThat(kept).isEqualTo("a".repeat(DeadLetter.MAX_VALUE_CHARS - 1));
        assertThat(new String(kept.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(kept);
    }

    @Test
    void aValueWithinTheLimitIsWholeAndUnmarked() throws Exception {
        JsonNode letter = JSON.readTree(new DeadLetter("e", "t", 0, 0, "nope").toJson());
        assertThat(letter.get("value").asText()).isEqualTo("nope");
        assertThat(letter.has("value_truncated")).isFalse();
        assertThat(letter.has("value_length")).isFalse();
    }
}
