package io.stepwise.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Results are written field by field; the bytes must be those Jackson's tree writes. */
class ResultTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode head(String stream, Long seq, Long ts) {
        ObjectNode o = JSON.createObjectNode();
        o.put("stream", stream);
        if (seq != null) {
            o.put("seq", seq);
        }
        if (ts != null) {
            o.put("ts", ts);
        }
        return o;
    }

    @Test
    void aTagIsWrittenAsJacksonsTreeWouldWriteIt() {
        List<String> awkward = List.of("dog", "\"quoted\"", "back\\slash", "tab\there", "line\nbreak", "\u0001ctl", "naïve",
                "日本語", "emoji \uD83D\uDE00", "</script>", "");
        SplittableRandom rng = new SplittableRandom(3);
        for (String token : awkward) {
            float p = (float) rng.nextDouble();
            Result.Tag t = new Result.Tag("chat-" + token, 12L, 1764390000000L, token, "NOUN", p, "tagger", 3);
            ObjectNode o = head(t.stream(), t.seq(), t.ts());
            o.put("token", token);
            o.put("tag", "NOUN");
            o.put("p", p);
            o.put("model", "tagger");
            o.put("version", 3);
            assertThat(t.toJson()).as(token).isEqualTo(o.toString());
        }
    }

    /** Every character of the first 12,288 code units, alone and inside a word, as Jackson escapes it (or leaves it). */
    @Test
    void everyCharacterIsEscapedAsJacksonEscapesIt() {
        for (char c = 0; c < 0x3000; c++) {
            for (String token : List.of(String.valueOf(c), "ab" + c + "cd")) {
                Result.Tag t = new Result.Tag(token, null, null, token, "X", 0.5f, "m", 1);
                ObjectNode o = head(token, null, null);
                o.put("token", token);
                o.put("tag", "X");
                o.put("p", 0.5f);
                o.put("model", "m");
                o.put("version", 1);
                assertThat(t.toJson()).as("U+%04X", (int) c).isEqualTo(o.toString());
            }
        }
    }

    @Test
    void aSumIsWrittenAsJacksonsTreeWouldWriteItWithOptionalFieldsLeftOut() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 200; i++) {
            double value = (rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(-3, 10));
            double sum = rng.nextDouble() * 1e6;
            double exact = Math.rint(sum);
            Long seq = i % 3 == 0 ? null : (long) i;
            Long ts = i % 5 == 0 ? null : 1764390000000L + i;
            // in_range: absent (no range recorded), true or false
            Boolean inRange = i % 7 == 0 ? null : i % 2 == 0;
            Result.Sum r = new Result.Sum("meter", seq, ts, value, sum, exact, "sum", 2, inRange);
            ObjectNode o = head("meter", seq, ts);
            o.put("value", value);
            o.put("sum", sum);
            o.put("exact", exact);
            o.put("diff", sum - exact);
            if (inRange != null) {
                o.put("in_range", inRange);
            }
            o.put("model", "sum");
            o.put("version", 2);
            assertThat(r.toJson()).isEqualTo(o.toString());
        }
    }
}
