package io.stepwise.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.stepwise.cli.Stepwise;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a real HTTP server on localhost standing in for the release. */
class DatasetDownloaderTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final Map<String, Integer> requests = new ConcurrentHashMap<>();

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String name = ex.getRequestURI().getPath().substring(1);
            requests.merge(name, 1, Integer::sum);
            byte[] body = served.get(name);
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private Dataset small(byte[] data) throws Exception {
        return new Dataset("tiny", "tiny", base(), List.of(new Dataset.DataFile("a.conllu", sha256(data)),
                new Dataset.DataFile("LICENSE.txt", null)), "test licence");
    }

    @Test
    void downloadsVerifiesAndKeepsWhatIsAlreadyThere() throws Exception {
        byte[] data = "1\tThe\t_\tDET\n".getBytes(StandardCharsets.UTF_8);
        served.put("a.conllu", data);
        served.put("LICENSE.txt", "licence text".getBytes(StandardCharsets.UTF_8));
        DatasetDownloader d = new DatasetDownloader(new PrintWriter(new StringWriter()));

        Path folder = d.fetch(small(data), dir);
        d.fetch(small(data), dir);

        assertThat(Files.readAllBytes(folder.resolve("a.conllu"))).isEqualTo(data);
        assertThat(requests.get("a.conllu")).isEqualTo(1);
    }

    @Test
    void aFileWithTheWrongChecksumIsRefusedAndNotKept() throws Exception {
        byte[] data = "1\tThe\t_\tDET\n".getBytes(StandardCharsets.UTF_8);
        served.put("a.conllu", "1\tThe\t_\tNOUN\n".getBytes(StandardCharsets.UTF_8));
        DatasetDownloader d = new DatasetDownloader(new PrintWriter(new StringWriter()));

        assertThatThrownBy(() -> d.fetch(small(data), dir)).hasMessageContaining("SHA-256 mismatch");
        try (var files = Files.list(dir.resolve("tiny"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aMissingFileIsAnHttpError() throws Exception {
        DatasetDownloader d = new DatasetDownloader(new PrintWriter(new StringWriter()));
        assertThatThrownBy(() -> d.fetch(small(new byte[0]), dir)).hasMessageContaining("HTTP 404");
    }

    @Test
    void theCommandFetchesTheRealReleaseFilesAndPrintsTheLicence() throws Exception {
        Path ewt = Path.of(System.getProperty("stepwise.corpus", "../data"), "ud-english-ewt");
        Assumptions.assumeTrue(Files.exists(ewt.resolve("en_ewt-ud-dev.conllu")),
                "UD English EWT not found under " + ewt + "; get it with ./stepwise data ud-ewt");
        for (Dataset.DataFile f : Dataset.UD_EWT.files()) {
            served.put(f.name(), Files.readAllBytes(ewt.resolve(f.name())));
        }
        StringWriter out = new StringWriter();
        var cl = Stepwise.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(new StringWriter()));

        int exit = cl.execute("data", "ud-ewt", "--dir", dir.toString(), "--base-url", base());

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("CC BY-SA 4.0");
        assertThat(dir.resolve("ud-english-ewt/en_ewt-ud-train.conllu")).hasSameBinaryContentAs(ewt.resolve("en_ewt-ud-train.conllu"));
    }
}
