package io.stepwise.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The fields of an output record the benchmark reads: which element it answers ({@code stream},
 * {@code seq}), when that element was sent ({@code ts}), and whether it is an end marker (the Kafka
 * copy copies those too; the job answers them with nothing). Read with Jackson's streaming parser,
 * which skips the rest of the record without building a tree: the reader shares the machine with
 * what it measures.
 */
public record ResultFields(String stream, long seq, long ts, boolean end) {

    private static final JsonFactory JSON = new JsonFactory();

    public static ResultFields parse(byte[] json) {
        String stream = null;
        long seq = -1;
        long ts = -1;
        boolean end = false;
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
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("an output record that is not JSON: " + e.getMessage(), e);
        }
        if (stream == null || seq < 0 || ts < 0) {
            throw new IllegalArgumentException("an output record without stream, seq or ts: " + new String(json, java.nio.charset.StandardCharsets.UTF_8));
        }
        return new ResultFields(stream, seq, ts, end);
    }
}
