package io.stepwise.catalogue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.model.ModelFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Damaged model files made from a good one, through the layout of docs/model-format.md: the header
 * or the data changed, and the file put back together with a correct trailer, so that what a reader
 * refuses is the damage itself, not a checksum that no longer matches.
 */
final class ModelFiles {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TRAILER = 32;

    private ModelFiles() {
    }

    /** {@code file} with its header changed by {@code header} and its data by {@code data}. */
    static byte[] rebuilt(byte[] file, Consumer<ObjectNode> header, Consumer<ByteBuffer> data) {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = in.getInt(12);
        ObjectNode h;
        try {
            h = (ObjectNode) JSON.readTree(new String(file, 16, headerLength, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        header.accept(h);
        byte[] d = Arrays.copyOfRange(file, 16 + headerLength, file.length - TRAILER);
        data.accept(ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN));
        byte[] hb = h.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(16 + hb.length + d.length + TRAILER).order(ByteOrder.LITTLE_ENDIAN);
        out.put(ModelFile.MAGIC).putInt(ModelFile.FORMAT_VERSION).putInt(hb.length).put(hb).put(d);
        out.put(sha256(Arrays.copyOf(out.array(), out.position())));
        return out.array();
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
