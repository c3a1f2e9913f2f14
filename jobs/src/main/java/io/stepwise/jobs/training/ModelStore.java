package io.stepwise.jobs.training;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The folder that published model files go to, through Flink's {@link FileSystem}: a local folder,
 * or {@code s3://} and {@code hdfs://} where those plugins are installed, so that every inference
 * job that can read the folder can load what is announced.
 */
final class ModelStore implements Serializable {

    private final String folder;

    ModelStore(String folderUri) {
        this.folder = folderUri;
    }

    /**
     * Writes version {@code version} of {@code name} as {@code <name>-v<version>.stepwise} and returns
     * its URI. An existing file of that name is replaced: it can only be a version whose announcement
     * never became visible (written before a failure, and the version number came back with the
     * restored state), since an announcement is committed with the checkpoint that counts it.
     */
    String write(String name, int version, byte[] bytes) throws IOException {
        Path dir = new Path(folder);
        Path file = new Path(dir, name + "-v" + version + ".stepwise");
        FileSystem fs = file.getFileSystem();
        fs.mkdirs(dir);
        try (OutputStream out = fs.create(file, FileSystem.WriteMode.OVERWRITE)) {
            out.write(bytes);
        }
        return uri(file.makeQualified(fs).toUri());
    }

    /** {@code file:///…} rather than Flink's {@code file:/…}: the form the wire format documents. */
    private static String uri(URI u) {
        if ("file".equals(u.getScheme()) && u.getAuthority() == null) {
            try {
                return new URI("file", "", u.getPath(), null, null).toString();
            } catch (URISyntaxException e) {
                return u.toString();
            }
        }
        return u.toString();
    }
}
