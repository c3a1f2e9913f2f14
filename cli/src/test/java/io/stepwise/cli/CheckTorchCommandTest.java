package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckTorchCommandTest {

    @TempDir
    Path dir;

    private Path fixture(String name) throws Exception {
        Path p = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/fixtures/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        CommandLine cl = Stepwise.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void passingFixturesExitZeroAndEndWithTheLargestDifference() throws Exception {
        Run r = run("check-torch", fixture("lstm_parity.json").toString(), fixture("grad_sum_regression.json").toString());

        assertThat(r.exit()).isZero();
        String[] lines = r.out().strip().split("\n");
        assertThat(lines[lines.length - 1]).matches("max abs diff: \\d\\.\\d{3}e-\\d\\d");
        assertThat(r.out()).contains("in32_h64 whole-sequence").doesNotContain("FAIL");
    }

    @Test
    void theStreamingTaggerFixturePasses() throws Exception {
        Run r = run("check-torch", fixture("char_tagger.json").toString());

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("char_tagger_delay2 training pass").contains("grad char_lstm.weight_hh_l0_reverse")
                .contains("char_tagger_delay2 stepwise").contains("head 2 log-probs").doesNotContain("FAIL");
    }

    @Test
    void aFixtureBeyondToleranceExitsOne() throws Exception {
        Path f = fixture("grad_tagger.json");
        // change the reference loss in the file: the check must notice
        String text = Files.readString(f).replaceFirst("\"loss\": ([0-9.]+)", "\"loss\": 7.5");
        Files.writeString(f, text);

        Run r = run("check-torch", f.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL").contains("loss");
    }

    @Test
    void aMissingFileIsAOneLineError() {
        Run r = run("check-torch", dir.resolve("nope.json").toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("nope.json").doesNotContain("Exception");
    }
}
