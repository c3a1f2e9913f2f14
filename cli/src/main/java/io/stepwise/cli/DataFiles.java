package io.stepwise.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a model's provenance says about a data file: its name, its SHA-256 and, for a known corpus, its licence. */
final class DataFiles {

    /** The attribution UD English EWT's licence asks for wherever a model trained on it is described. */
    static final String EWT_ATTRIBUTION = "UD English EWT, CC BY-SA 4.0";

    private DataFiles() {
    }

    static Map<String, Object> describe(Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.getFileName().toString());
        m.put("sha256", sha256(file));
        if (isEnglishEwt(file)) {
            m.put("corpus", EWT_ATTRIBUTION);
        }
        return m;
    }

    static boolean isEnglishEwt(Path file) {
        return file.getFileName().toString().startsWith("en_ewt-ud-");
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
