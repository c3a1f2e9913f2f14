package io.stepwise.modelstream;

import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelLimits;
import io.stepwise.wire.ModelAnnouncement;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Base64;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Fetches the model file an announcement points to, through Flink's {@link FileSystem} (so
 * {@code file://} works everywhere, and {@code s3://} or {@code hdfs://} where those plugins are
 * installed) or from the announcement itself, and checks it before anything serves it. In order:
 * what the {@link ModelAdmission} demands before anything is fetched (a trusted signature over the
 * announced name, version and SHA-256; an allowed location), the size of the file as it is read,
 * its SHA-256 against the announced one, then the file itself, read within the admission's
 * {@link ModelLimits}; its name and version must be those announced.
 */
public final class ModelVersionLoader {

    private ModelVersionLoader() {
    }

    /** A checked model version: the file's bytes (for broadcast state) and the model read from them. */
    public record Loaded(byte[] bytes, Model model) {
    }

    /** Fetches, checks and reads the version {@code a} announces; any refusal is an IOException that says why. */
    public static Loaded load(ModelAnnouncement a, ModelAdmission admission) throws IOException {
        String refused = admission.refusal(a);
        if (refused != null) {
            throw new IOException(refused);
        }
        long max = admission.limits().maxFileBytes();
        byte[] bytes = a.inline() != null ? decode(a) : fetch(a.uri(), max);
        String actual = ModelFile.sha256Hex(bytes);
        if (!actual.equals(a.sha256())) {
            throw new IOException("model " + a.model() + " v" + a.version() + " at " + a.source()
                    + ": SHA-256 mismatch (announced " + abbrev(a.sha256()) + ", got " + abbrev(actual) + ")");
        }
        Model model;
        try {
            model = ModelFile.fromBytes(bytes, a.source(), admission.limits());
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
    public static Model read(byte[] bytes, String source, ModelLimits limits) {
        return ModelFile.fromBytes(bytes, source, limits);
    }

    private static byte[] decode(ModelAnnouncement a) throws IOException {
        try {
            return Base64.getDecoder().decode(a.inline());
        } catch (IllegalArgumentException e) {
            throw new IOException("model " + a.model() + " v" + a.version() + ": 'inline' is not base64: " + e.getMessage());
        }
    }

    static byte[] fetch(String uri, long max) throws IOException {
        Path path;
        try {
            path = new Path(URI.create(uri));
        } catch (IllegalArgumentException e) {
            throw new IOException("bad model URI '" + uri + "': " + e.getMessage());
        }
        FileSystem fs = path.getFileSystem();
        long len = fs.getFileStatus(path).getLen();
        if (len > max) {
            throw new IOException("model file " + uri + " has " + len + " bytes, more than the limit of " + max + " (--max-model-bytes)");
        }
        // at most one byte more than allowed, whatever the length said: a file may grow while it is read
        try (InputStream in = fs.open(path)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (bytes.length > max) {
                throw new IOException("model file " + uri + " has more than " + max + " bytes, the limit (--max-model-bytes)");
            }
            return bytes;
        }
    }

    private static String abbrev(String hex) {
        return hex.length() > 8 ? hex.substring(0, 8) + "…" : hex;
    }
}
