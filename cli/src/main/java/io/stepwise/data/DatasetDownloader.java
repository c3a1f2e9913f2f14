package io.stepwise.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Fetches a data set's files into a folder, once: a file already there with the right SHA-256 is
 * kept; a download whose SHA-256 differs from the pinned one is refused and removed, so a
 * truncated or tampered file never reaches a training run.
 */
public final class DatasetDownloader {

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(20))
            .build();
    private final PrintWriter log;

    public DatasetDownloader(PrintWriter log) {
        this.log = log;
    }

    /** Makes sure every file of {@code d} is in {@code root/d.folder()}; returns that folder. */
    public Path fetch(Dataset d, Path root) throws IOException, InterruptedException {
        Path dir = root.resolve(d.folder());
        Files.createDirectories(dir);
        for (Dataset.DataFile f : d.files()) {
            Path target = dir.resolve(f.name());
            if (Files.exists(target) && (f.sha256() == null || f.sha256().equals(sha256(target)))) {
                log.printf("%s: already there%n", target);
                continue;
            }
            URI uri = URI.create(d.baseUrl() + f.name());
            log.printf("%s: downloading %s%n", f.name(), uri);
            log.flush();
            Path tmp = Files.createTempFile(dir, f.name(), ".part");
            try {
                String actual = download(uri, tmp);
                if (f.sha256() != null && !f.sha256().equals(actual)) {
                    throw new IOException(uri + ": SHA-256 mismatch (expected " + f.sha256() + ", got " + actual
                            + "); the download is incomplete or not the pinned release; nothing was kept");
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                log.printf("%s: %d bytes%s%n", target, Files.size(target), f.sha256() == null ? "" : ", SHA-256 verified");
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        log.flush();
        return dir;
    }

    private String download(URI uri, Path to) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            r.body().close();
            throw new IOException(uri + ": HTTP " + r.statusCode());
        }
        MessageDigest md = sha();
        try (InputStream in = r.body(); OutputStream out = new DigestOutputStream(Files.newOutputStream(to), md)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest md = sha();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
