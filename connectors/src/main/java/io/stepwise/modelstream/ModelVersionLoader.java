package io.stepwise.modelstream;

import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.wire.ModelAnnouncement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Base64;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Fetches the model file an announcement points to, through Flink's {@link FileSystem} (so
 * {@code file://} works everywhere, and {@code s3://} or {@code hdfs://} where those plugins are
 * installed) or from the announcement itself, and checks it before anything serves it: the
 * SHA-256 of the bytes must be the announced one, the file must be an intact model file, and its
 * name and version must be those announced.
 */
public final class ModelVersionLoader {

    /** Larger model files are refused: a broadcast copy lives on every parallel instance. */
    public static final long MAX_MODEL_BYTES = 512L << 20;

    private ModelVersionLoader() {
    }

    /** A checked model version: the file's bytes (for broadcast state) and the model read from them. */
    public record Loaded(byte[] bytes, Model model) {
    }

    public static Loaded load(ModelAnnouncement a) throws IOException {
        byte[] bytes = a.inline() != null ? decode(a) : fetch(a.uri());
        String actual = ModelFile.sha256Hex(bytes);
        if (!actual.equals(a.sha256())) {
            throw new IOException("model " + a.model() + " v" + a.version() + " at " + a.source()
                    + ": SHA-256 mismatch (announced " + abbrev(a.sha256()) + ", got " + abbrev(actual) + ")");
        }
        Model model;
        try {
            model = ModelFile.fromBytes(bytes, a.source());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (!model.name().equals(a.model()) || model.version() != a.version()) {
            throw new IOException("model file at " + a.source() + " is " + model.name() + " v" + model.version()
                    + ", but the announcement says " + a.model() + " v" + a.version());
        }
        return new Loaded(bytes, model);
    }

    /** Reads a model file that is already in hand (broadcast state after a restore, or --model). */
    public static Model read(byte[] bytes, String source) {
        return ModelFile.fromBytes(bytes, source);
    }

    private static byte[] decode(ModelAnnouncement a) throws IOException {
        try {
            return Base64.getDecoder().decode(a.inline());
        } catch (IllegalArgumentException e) {
            throw new IOException("model " + a.model() + " v" + a.version() + ": 'inline' is not base64: " + e.getMessage());
        }
    }

    static byte[] fetch(String uri) throws IOException {
        Path path;
        try {
            path = new Path(URI.create(uri));
        } catch (IllegalArgumentException e) {
            throw new IOException("bad model URI '" + uri + "': " + e.getMessage());
        }
        FileSystem fs = path.getFileSystem();
        long len = fs.getFileStatus(path).getLen();
        if (len > MAX_MODEL_BYTES) {
            throw new IOException("model file " + uri + " has " + len + " bytes, more than " + MAX_MODEL_BYTES);
        }
        try (InputStream in = fs.open(path); ByteArrayOutputStream out = new ByteArrayOutputStream((int) len)) {
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    private static String abbrev(String hex) {
        return hex.length() > 8 ? hex.substring(0, 8) + "…" : hex;
    }
}
