package io.stepwise.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.wire.RawRecord;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordingFormatTest {

    @Test
    void jsonValuesAreEmbeddedAndOtherTextKeptAsAString() {
        RawRecord json = new RawRecord("tokens", 1, 5, 100, "k", "{\"stream\":\"s\",\"seq\":1,\"token\":\"dog\"}");
        RawRecord text = new RawRecord("tokens", 1, 6, 101, null, "{\"stream\":\"s\"}} trailing");

        assertThat(RecordingFormat.write(json)).contains("\"value\":{\"stream\"");
        assertThat(RecordingFormat.read(RecordingFormat.write(json), "t")).isEqualTo(json);
        assertThat(RecordingFormat.read(RecordingFormat.write(text), "t")).isEqualTo(text);
    }

    @Test
    void aValueThatIsNotUtf8ReplaysAsTheSameBytes() {
        byte[] bytes = {'{', '"', 't', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};
        RawRecord r = RawRecord.fromBytes("tokens", 0, 3, 50, "k".getBytes(StandardCharsets.UTF_8), bytes);

        String line = RecordingFormat.write(r);
        RawRecord back = RecordingFormat.read(line, "t");

        assertThat(line).contains("\"value_base64\"");
        assertThat(back.undecodableBytes()).isEqualTo(bytes);
        assertThat(back.encodingError()).isEqualTo(r.encodingError());
        assertThat(back.key()).isEqualTo("k");
    }

    @Test
    void aBrokenBase64ValueIsAClearErrorNamingTheSource() {
        assertThatThrownBy(() -> RecordingFormat.read("{\"topic\":\"tokens\",\"timestamp\":1,\"value_base64\":\"%%%\"}", "rec.jsonl:3"))
                .hasMessageContaining("rec.jsonl:3").hasMessageContaining("value_base64");
    }

    @Test
    void aTimestampThatIsNotAnIntegerIsRefusedRatherThanReadAsZero() {
        assertThatThrownBy(() -> RecordingFormat.read("{\"topic\":\"tokens\",\"timestamp\":\"noon\",\"value\":\"x\"}", "rec.jsonl"))
                .hasMessageContaining("'timestamp' must be an integer");
        assertThatThrownBy(() -> RecordingFormat.read("{\"topic\":\"tokens\",\"timestamp\":1.5,\"value\":\"x\"}", "rec.jsonl"))
                .hasMessageContaining("'timestamp' must be an integer");
    }

    @Test
    void aLineWithCharactersAfterItsObjectIsNotARecordingLine() {
        assertThatThrownBy(() -> RecordingFormat.read("{\"topic\":\"tokens\",\"timestamp\":1,\"value\":\"x\"}}", "rec.jsonl"))
                .hasMessageContaining("not a recording line");
    }
}
