package io.stepwise.wire;

import io.stepwise.model.Input;

/**
 * One element of a stream, as it arrives: a token, a number, or the end of a sequence.
 * {@code seq} and {@code ts} are optional (null when absent): without {@code seq} there is no
 * duplicate check, without {@code ts} the transport's timestamp is the event time.
 */
public record Element(String stream, Long seq, Long ts, String token, Double value, boolean end) {

    public static Element token(String stream, Long seq, Long ts, String token) {
        return new Element(stream, seq, ts, token, null, false);
    }

    public static Element value(String stream, Long seq, Long ts, double value) {
        return new Element(stream, seq, ts, null, value, false);
    }

    public static Element endOf(String stream, Long seq, Long ts) {
        return new Element(stream, seq, ts, null, null, true);
    }

    public boolean isToken() {
        return token != null;
    }

    public boolean isValue() {
        return value != null;
    }

    /** What a model takes of this element: its token or its number. An end marker has neither. */
    public Input input() {
        if (end) {
            throw new IllegalStateException("an end marker is not a model input");
        }
        return token != null ? Input.token(token) : Input.value(value);
    }
}
