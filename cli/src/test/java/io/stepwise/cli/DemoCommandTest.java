package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.data.DataFolder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The README's first command, end to end: real broker, real MiniCluster, trained models, live results. */
class DemoCommandTest {

    @Test
    void theDemoShowsRunningTagsAndSumsWithTheirModelVersions() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Stepwise.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));

        int exit = cl.execute("demo", "--duration", "25s", "--plain", "--web-port", String.valueOf(port), "--rate", "40");

        assertThat(exit).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.stream().filter(l -> l.startsWith("chat-") && l.contains(" -> ") && l.matches(".*tagger v\\d+")))
                .as(out.toString()).hasSizeGreaterThan(20);
        assertThat(lines).contains("model version published: tagger v1 (start model)", "model version published: sum v1 (start model)");
        assertThat(lines.stream().filter(l -> l.startsWith("meter-") && l.contains("running sum") && l.endsWith("sum v1")))
                .hasSizeGreaterThan(10);
        assertThat(err.toString()).contains("accuracy").contains("web UI at http://localhost:" + port);
        // the punctuation of a chat sentence is tagged as such by the trained tagger
        assertThat(lines.stream().filter(l -> l.matches("chat-\\d+\\s+#\\d+\\s+[.?!]\\s+-> .*")))
                .isNotEmpty().allMatch(l -> l.contains("-> PUNCT"));
    }

    @Test
    void corpusWithoutAFolderReadsTheRepositorysDataFolder() {
        assertThat(parsed().corpus()).as("no --corpus: the bundled sample").isNull();
        assertThat(parsed("--corpus", "--duration", "1s").corpus()).isEqualTo(DataFolder.defaultDir());
        assertThat(parsed("--corpus", "elsewhere").corpus()).isEqualTo(Path.of("elsewhere"));
    }

    private static DemoCommand parsed(String... args) {
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs(args);
        return demo;
    }
}
