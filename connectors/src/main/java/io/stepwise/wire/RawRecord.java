package io.stepwise.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A record as it came off a topic (or out of a recording): where it came from and its raw value,
 * kept until parsed so that a bad one can go to the dead-letter output with its coordinates.
 *
 * <p>Values are decoded strictly as UTF-8. Bytes that are not UTF-8 are not silently turned into
 * U+FFFD (the stream would then be served on corrupted text): the record keeps the bytes, base64
 * in {@link #undecodable}, and {@link #text()} refuses it with the position of the first bad byte.
 */
public record RawRecord(String topic, int partition, long offset, long timestamp, String key, String value,
                        String undecodable, String encodingError) {

    public RawRecord(String topic, int partition, long offset, long timestamp, String key, String value) {
        this(topic, partition, offset, timestamp, key, value, null, null);
    }

    /** A record from Kafka's bytes: the key leniently (it only routes), the value strictly. */
    public static RawRecord fromBytes(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        String k = key == null ? null : new String(key, StandardCharsets.UTF_8);
        if (value == null) {
            return new RawRecord(topic, partition, offset, timestamp, k, null);
        }
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(value);
        try {
            return new RawRecord(topic, partition, offset, timestamp, k, strict.decode(in).toString());
        } catch (CharacterCodingException bad) {
            String error = "the value is not valid UTF-8 (byte " + in.position() + " of " + value.length + ")";
            return new RawRecord(topic, partition, offset, timestamp, k,
                    new String(value, StandardCharsets.UTF_8), Base64.getEncoder().encodeToString(value), error);
        }
    }

    /** The value's bytes, for a record whose value is not UTF-8 (null otherwise). */
    public byte[] undecodableBytes() {
        return undecodable == null ? null : Base64.getDecoder().decode(undecodable);
    }

    /** The value as text, for a parser; a record whose bytes are not UTF-8 is an invalid record. */
    public String text() throws InvalidElementException {
        if (encodingError != null) {
            throw new InvalidElementException(encodingError);
        }
        return value;
    }
}
