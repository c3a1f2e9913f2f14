package io.stepwise.catalogue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * One kind of bad input in a catalogue: a short name (shown as the JUnit display name), the record's
 * bytes exactly as they go on the wire (null for a Kafka tombstone), and the reason its dead letter
 * must give: a substring of the letter's {@code error}, written from what the kind is, never copied
 * from the job's output.
 */
record BadInput(String name, byte[] value, String reason) {

    static BadInput json(String name, String text, String reason) {
        return new BadInput(name, text.getBytes(StandardCharsets.UTF_8), reason);
    }

    static BadInput bytes(String name, byte[] value, String reason) {
        return new BadInput(name, value, reason);
    }

    /** {@code before}, the raw {@code bad} bytes, then {@code after}: text with bytes that are not UTF-8 inside it. */
    static byte[] spliced(String before, byte[] bad, String after) {
        byte[] a = before.getBytes(StandardCharsets.UTF_8);
        byte[] c = after.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(a.length + bad.length + c.length).put(a).put(bad).put(c).array();
    }

    /** The value as text, for values that are UTF-8; null for a tombstone. */
    String text() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** Whether the value is valid UTF-8 (a tombstone counts as such: it has no bytes to keep). */
    boolean utf8() {
        if (value == null) {
            return true;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
