package io.stepwise.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The fields of an output record the benchmark reads: which element it answers ({@code stream},
 * {@code seq}), when that element was sent ({@code ts}), and whether it is an end marker (the Kafka
 * copy copies those too; the job answers them with nothing), and whether it is a delayed tagger's
 * tag at once ({@code "final":false}, its final tag following).
 *
 * <p>The reader shares the machine with what it measures, and a JSON parser's set-up costs more
 * than the few fields it needs (2-4 us a record on the 2-core development machine, a tenth of its
 * CPU at 50,000 results/s). Both writers, the job's results and the copied elements, begin with
 * {@code {"stream":"…","seq":N,"ts":N}, so that prefix is read directly; anything else goes
 * through Jackson's streaming parser.
 */
public record ResultFields(String stream, long seq, long ts, boolean end, boolean atOnce) {

    /** The fields of a final result or a copied element. */
    public ResultFields(String stream, long seq, long ts, boolean end) {
        this(stream, seq, ts, end, false);
    }

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] STREAM = ascii("{\"stream\":\"");
    private static final byte[] SEQ = ascii("\",\"seq\":");
    private static final byte[] TS = ascii(",\"ts\":");
    private static final byte[] END = ascii(",\"end\":true");
    /** Inside a JSON string a quote is escaped, so these bytes can only be the field itself. */
    private static final byte[] AT_ONCE = ascii(",\"final\":false");

    public static ResultFields parse(byte[] json) {
        ResultFields f = prefix(json);
        return f != null ? f : parseJson(json);
    }

    /** The fields from the compact prefix both writers produce; null where the record does not start so. */
    static ResultFields prefix(byte[] b) {
        if (!at(b, 0, STREAM)) {
            return null;
        }
        int start = STREAM.length;
        int i = start;
        while (i < b.length && b[i] != '"') {
            if (b[i] == '\\') {
                return null; // an escaped stream id: leave it to the parser
            }
            i++;
        }
        if (!at(b, i, SEQ)) {
            return null;
        }
        String stream = new String(b, start, i - start, StandardCharsets.UTF_8);
        i += SEQ.length;
        int seqStart = i;
        long seq = 0;
        for (; i < b.length && b[i] >= '0' && b[i] <= '9' && i - seqStart < 18; i++) {
            seq = seq * 10 + (b[i] - '0');
        }
        if (i == seqStart || !at(b, i, TS)) {
            return null;
        }
        i += TS.length;
        int tsStart = i;
        long ts = 0;
        for (; i < b.length && b[i] >= '0' && b[i] <= '9' && i - tsStart < 18; i++) {
            ts = ts * 10 + (b[i] - '0');
        }
        if (i == tsStart || i >= b.length || (b[i] != ',' && b[i] != '}')) {
            return null;
        }
        return new ResultFields(stream, seq, ts, at(b, i, END), contains(b, i, AT_ONCE));
    }

    private static boolean at(byte[] b, int i, byte[] expected) {
        if (i + expected.length > b.length) {
            return false;
        }
        for (int k = 0; k < expected.length; k++) {
            if (b[i + k] != expected[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(byte[] b, int from, byte[] expected) {
        for (int i = from; i + expected.length <= b.length; i++) {
            if (b[i] == expected[0] && at(b, i, expected)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static ResultFields parseJson(byte[] json) {
        String stream = null;
        long seq = -1;
        long ts = -1;
        boolean end = false;
        boolean atOnce = false;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "stream" -> stream = p.getValueAsString();
                    case "seq" -> seq = p.getValueAsLong(-1);
                    case "ts" -> ts = p.getValueAsLong(-1);
                    case "end" -> end = v == JsonToken.VALUE_TRUE;
                    case "final" -> atOnce = v == JsonToken.VALUE_FALSE;
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("an output record that is not JSON: " + e.getMessage(), e);
        }
        if (stream == null || seq < 0 || ts < 0) {
            throw new IllegalArgumentException("an output record without stream, seq or ts: " + new String(json, StandardCharsets.UTF_8));
        }
        return new ResultFields(stream, seq, ts, end, atOnce);
    }
}
