package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code stepwise bench pipeline} end to end with tiny numbers: the in-JVM broker, the Kafka copy and
 * the real job on a MiniCluster, both deliveries, and every element checked to have one result.
 */
class BenchPipelineCommandTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Stepwise.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aTinyRunPrintsTheRowsTheirRatioAndTheExactlyOnceCheck() {
        Run r = run("bench", "pipeline", "--elements", "2000", "--streams", "50", "--only", "a,b", "--latency-rate", "1000",
                "--latency-duration", "2s", "--checkpoint-interval", "500ms", "--", "--idle-timeout", "1h");

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).contains("2,000 elements per row from 50 interleaved streams", "checkpoints every 500ms",
                "job options --idle-timeout 1h");
        // a row: letter, system, delivery, elements/s, its window, CPU per element (n/a where the window held no
        // second reading), the latency phase's rate, p50, p99, max, written p50, p99
        Pattern row = Pattern.compile("([ab])\\s+(.+?)\\s{2,}(exactly-once|at-least-once)\\s+([\\d,]+)\\*?\\s+[\\d.]+ s"
                + "\\s+(?:n/a|[\\d.]+ us)\\s+([\\d,]+)/s"
                + "(\\s+[\\d.]+ m?s){5}");
        List<String> rows = lines.stream().filter(l -> row.matcher(l).matches()).toList();
        assertThat(rows).as(r.out()).hasSize(4);
        assertThat(rows.get(0)).startsWith("a   Kafka copy").contains("exactly-once");
        assertThat(rows.get(1)).startsWith("a   Kafka copy").contains("at-least-once");
        assertThat(rows.get(2)).startsWith("b   no-op tagger").contains("exactly-once");
        assertThat(rows.get(3)).startsWith("b   no-op tagger").contains("at-least-once");
        for (String l : rows) {
            Matcher m = row.matcher(l);
            assertThat(m.matches()).isTrue();
            // the latency phase ran at the rate asked for, or a little below where the producer was starved of CPU
            assertThat(Double.parseDouble(m.group(5).replace(",", ""))).as(l).isBetween(500.0, 1000.0);
        }
        assertThat(r.out()).containsPattern("no-op / Kafka copy:\\s+exactly-once \\d+\\.\\d\\d\\s+at-least-once \\d+\\.\\d\\d");
        // each row: 2,000 pre-filled elements and 2,000 of the latency phase (2 s at 1,000/s)
        Matcher checked = Pattern.compile("checked: every element of every row had exactly one result \\(([\\d,]+) elements\\)")
                .matcher(r.out());
        assertThat(checked.find()).as(r.out()).isTrue();
        assertThat(Long.parseLong(checked.group(1).replace(",", ""))).isEqualTo(4 * (2000L + 2000));
    }

    @Test
    void theStreamingTaggersRowChecksATagAtOnceAndAFinalTagForEveryWord() {
        // both phases stop mid-sentence: the last words of each stream get their final tags only
        // because the benchmark then ends the open sentences
        Run r = run("bench", "pipeline", "--elements", "2000", "--streams", "50", "--only", "f", "--delivery", "at-least-once",
                "--latency-rate", "1000", "--latency-duration", "2s", "--checkpoint-interval", "500ms");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("f\\s+streaming tagger \\(chars, delay 2\\)\\s+at-least-once\\s+[\\d,]+");
        Matcher checked = Pattern.compile("checked: every element of every row had exactly one result, and every word of row f one tag"
                + " at once besides \\(([\\d,]+) elements\\)").matcher(r.out());
        assertThat(checked.find()).as(r.out()).isTrue();
        assertThat(Long.parseLong(checked.group(1).replace(",", ""))).isEqualTo(2000L + 2000);
    }

    @Test
    void aJobOptionTheBenchmarkSetsItselfIsAOneLineUserError() {
        Run r = run("bench", "pipeline", "--", "--checkpoint-interval", "1s");
        assertThat(r.exit()).isEqualTo(UserErrors.EXIT_BAD_INPUT);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("--checkpoint-interval", "before --").doesNotContain("Exception");
    }

    @Test
    void benchHelpNamesThePipelineBenchmark() {
        Run r = run("bench", "--help");
        assertThat(r.out()).contains("pipeline", "end to end");
    }
}
