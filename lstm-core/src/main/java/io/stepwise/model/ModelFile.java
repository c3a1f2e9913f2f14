package io.stepwise.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.tensor.ParameterSet;
import io.stepwise.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model version as one file: {@code STEPWISE}, the format version, a JSON header (kind, name,
 * version, architecture, vocabularies or scaling, provenance, tensor index), the weights as raw
 * little-endian float32 under their PyTorch {@code state_dict} names, and a SHA-256 of all of that.
 * docs/model-format.md describes the layout byte by byte.
 *
 * <p>Loading checks the SHA-256 before it believes anything else in the file, so a truncated or
 * altered file is refused instead of serving half a model. Every refusal is an
 * {@link IllegalArgumentException} whose message starts with {@code model file <name>:}.
 */
public final class ModelFile {

    /** The first eight bytes of every model file. */
    public static final byte[] MAGIC = "STEPWISE".getBytes(StandardCharsets.US_ASCII);
    /** The layout version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;
    public static final String EXTENSION = ".stepwise";

    static final int PREAMBLE = 16; // magic, format version, header length
    static final int SHA_BYTES = 32;
    /** The data section starts 64-byte aligned, so the weights can be mapped without copying. */
    private static final int ALIGN = 64;
    private static final String FLOAT32 = "float32";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private ModelFile() {
    }

    // ---- writing --------------------------------------------------------------------------------

    public static byte[] toBytes(Model model) {
        Map<String, Tensor> weights = model.parameters().stateDict();
        ObjectNode header = header(model);
        ArrayNode index = header.putArray("tensors");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            ObjectNode t = index.addObject();
            t.put("name", e.getKey());
            ArrayNode shape = t.putArray("shape");
            for (int d : e.getValue().shape()) {
                shape.add(d);
            }
            t.put("dtype", FLOAT32);
            t.put("offset", offset);
            offset += 4L * e.getValue().size();
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("model " + model.name() + " v" + model.version()
                    + ": provenance holds a value that cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        int headerLen = json.length + padding(PREAMBLE + json.length);
        long total = PREAMBLE + (long) headerLen + offset + SHA_BYTES;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("model " + model.name() + " is too large for one model file (" + total + " bytes)");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).putInt(FORMAT_VERSION).putInt(headerLen).put(json);
        while (buf.position() < PREAMBLE + headerLen) {
            buf.put((byte) ' ');
        }
        for (Tensor t : weights.values()) {
            for (float v : t.data()) {
                buf.putFloat(v);
            }
        }
        byte[] bytes = buf.array();
        byte[] sha = sha256(bytes, 0, bytes.length - SHA_BYTES);
        System.arraycopy(sha, 0, bytes, bytes.length - SHA_BYTES, SHA_BYTES);
        return bytes;
    }

    /**
     * Writes the model to {@code file} through a temporary file in the same folder and an atomic
     * rename, so a reader (or a crash) never sees half a file under the final name.
     */
    public static void write(Model model, Path file) throws IOException {
        byte[] bytes = toBytes(model);
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Identity first, then what the model's kind writes (architecture, vocabularies or scaling), then provenance. */
    private static ObjectNode header(Model model) {
        ObjectNode h = JSON.createObjectNode();
        h.put("kind", model.kind().id());
        h.put("name", model.name());
        h.put("version", model.version());
        model.writeHeader(h);
        try {
            h.set("provenance", JSON.valueToTree(model.meta().provenance()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model " + model.name() + " v" + model.version()
                    + ": provenance holds a value that cannot be written as JSON: " + e.getMessage(), e);
        }
        return h;
    }

    private static int padding(int length) {
        int r = length % ALIGN;
        return r == 0 ? 0 : ALIGN - r;
    }

    // ---- reading --------------------------------------------------------------------------------

    public static Model read(Path file) throws IOException {
        return fromBytes(Files.readAllBytes(file), file.getFileName().toString());
    }

    /**
     * The model in {@code bytes}; {@code source} (a file name, or where inline bytes came from)
     * names it in error messages. Read within {@link ModelLimits#DEFAULTS}.
     */
    public static Model fromBytes(byte[] bytes, String source) {
        return fromBytes(bytes, source, ModelLimits.DEFAULTS);
    }

    /**
     * The model in {@code bytes}, refused when the file or the model it describes passes one of
     * {@code limits}, before anything is allocated for it.
     */
    public static Model fromBytes(byte[] bytes, String source, ModelLimits limits) {
        Reader r = new Reader(bytes, source, limits);
        return r.read();
    }

    private static final class Reader {
        private final byte[] bytes;
        private final String source;
        private final ModelLimits limits;

        Reader(byte[] bytes, String source, ModelLimits limits) {
            this.bytes = bytes;
            this.source = source;
            this.limits = limits;
        }

        Model read() {
            checkMagic();
            refuseIf(limits.fileRefusal(bytes.length));
            checkSha();
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int format = buf.getInt(MAGIC.length);
            if (format != FORMAT_VERSION) {
                throw error("format version " + Integer.toUnsignedString(format) + " is not supported; this Stepwise reads version "
                        + FORMAT_VERSION + " (a newer Stepwise may have written it)");
            }
            long headerLen = Integer.toUnsignedLong(buf.getInt(MAGIC.length + 4));
            int dataStart = PREAMBLE + (int) Math.min(headerLen, Integer.MAX_VALUE);
            int dataEnd = bytes.length - SHA_BYTES;
            if (PREAMBLE + headerLen > dataEnd) {
                throw error("header length " + headerLen + " runs past the end of the file");
            }
            refuseIf(limits.headerLengthRefusal(headerLen));
            refuseIf(limits.scanRefusal(JSON, bytes, PREAMBLE, (int) headerLen));
            JsonNode header;
            try {
                header = JSON.readTree(new String(bytes, PREAMBLE, (int) headerLen, StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw error("header is not valid JSON: " + e.getOriginalMessage());
            }
            if (header == null || !header.isObject()) {
                throw error("header is not a JSON object");
            }
            // what the header claims, against the caps and the data the file has, before the model is allocated
            refuseIf(limits.architectureRefusal(header, dataEnd - dataStart));
            refuseIf(limits.tensorIndexRefusal(header.path("tensors"), dataEnd - dataStart));
            ModelHeader h = new ModelHeader(header, source);
            Model model = build(h);
            model.parameters().load(tensors(h, dataStart, dataEnd, model.parameters()));
            model.weightsChanged();
            return model;
        }

        private void checkMagic() {
            int n = Math.min(bytes.length, MAGIC.length);
            if (!Arrays.equals(bytes, 0, n, MAGIC, 0, n)) {
                throw error("not a Stepwise model file (it does not start with STEPWISE)");
            }
            if (bytes.length < PREAMBLE + SHA_BYTES) {
                throw error("the file is truncated (" + bytes.length + " bytes; a model file has at least "
                        + (PREAMBLE + SHA_BYTES) + ")");
            }
        }

        private void checkSha() {
            int end = bytes.length - SHA_BYTES;
            byte[] computed = sha256(bytes, 0, end);
            byte[] recorded = Arrays.copyOfRange(bytes, end, bytes.length);
            if (!MessageDigest.isEqual(computed, recorded)) {
                throw error("SHA-256 mismatch (recorded " + shortHex(recorded) + ", computed " + shortHex(computed)
                        + "): the file is truncated or altered");
            }
        }

        private Model build(ModelHeader h) {
            ModelKind kind;
            ModelMeta meta;
            try {
                kind = ModelKind.parse(h.text("kind"));
                meta = new ModelMeta(h.text("name"), h.integer("version"), provenance(h.root()));
            } catch (IllegalArgumentException e) {
                throw refusal(e);
            }
            try {
                return kind.read(meta, h);
            } catch (IllegalArgumentException e) {
                throw refusal(e);
            }
        }

        /** {@code e} as a refusal of this file: its message starts with {@code model file <source>:} once. */
        private IllegalArgumentException refusal(IllegalArgumentException e) {
            return e.getMessage() != null && e.getMessage().startsWith(prefix()) ? e : error(e.getMessage());
        }

        private Map<String, Tensor> tensors(ModelHeader h, int dataStart, int dataEnd, ParameterSet expected) {
            JsonNode index = h.root().get("tensors");
            if (index == null || !index.isArray()) {
                throw error("header has no tensor index ('tensors')");
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (JsonNode node : index) {
                ModelHeader t = new ModelHeader(node, source);
                String name = t.text("name");
                if (!expected.contains(name)) {
                    throw error("unexpected tensor '" + name + "'; a " + h.text("kind") + " with this architecture has "
                            + expected.asMap().keySet());
                }
                String dtype = t.text("dtype");
                if (!dtype.equals(FLOAT32)) {
                    throw error("tensor " + name + " has dtype " + dtype + "; only " + FLOAT32 + " is supported");
                }
                int[] shape = t.ints("shape");
                int[] needed = expected.get(name).value().shape();
                if (!Arrays.equals(shape, needed)) {
                    throw error("tensor " + name + " has shape " + Arrays.toString(shape) + ", the architecture needs "
                            + Arrays.toString(needed));
                }
                long offset = node.path("offset").asLong(-1);
                long size = 4L * expected.get(name).value().size();
                if (offset < 0 || dataStart + offset + size > dataEnd) {
                    throw error("tensor " + name + " at offset " + offset + " (" + size + " bytes) lies outside the data section ("
                            + (dataEnd - dataStart) + " bytes)");
                }
                float[] data = new float[(int) (size / 4)];
                int p = dataStart + (int) offset;
                for (int i = 0; i < data.length; i++, p += 4) {
                    data[i] = buf.getFloat(p);
                    if (!Float.isFinite(data[i])) {
                        throw error("tensor " + name + " holds " + data[i] + " at index " + i
                                + ": weights must be finite (the training diverged, or the file was written wrong)");
                    }
                }
                if (out.put(name, new Tensor(shape, data)) != null) {
                    throw error("tensor " + name + " is listed twice");
                }
            }
            for (String name : expected.asMap().keySet()) {
                if (!out.containsKey(name)) {
                    throw error("tensor " + name + " is missing");
                }
            }
            return out;
        }

        private Map<String, Object> provenance(JsonNode h) {
            JsonNode p = h.get("provenance");
            if (p == null || p.isNull()) {
                return Map.of();
            }
            if (!p.isObject()) {
                throw error("provenance is not a JSON object");
            }
            return JSON.convertValue(p, new TypeReference<LinkedHashMap<String, Object>>() { });
        }

        private void refuseIf(String refusal) {
            if (refusal != null) {
                throw error(refusal);
            }
        }

        private String prefix() {
            return "model file " + source + ": ";
        }

        private IllegalArgumentException error(String message) {
            return new IllegalArgumentException(prefix() + message);
        }
    }

    // ---- checksums ------------------------------------------------------------------------------

    /** The SHA-256 of {@code bytes} in lower-case hex: what a model version announcement carries. */
    public static String sha256Hex(byte[] bytes) {
        return HEX.formatHex(sha256(bytes, 0, bytes.length));
    }

    private static byte[] sha256(byte[] bytes, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes, off, len);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String shortHex(byte[] sha) {
        return HEX.formatHex(sha, 0, 6) + "…";
    }
}
