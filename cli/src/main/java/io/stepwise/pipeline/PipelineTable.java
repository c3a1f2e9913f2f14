package io.stepwise.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's table: one line per row and delivery, then the ratios the speed targets use and
 * what each column means, so that a pasted table explains itself.
 */
public final class PipelineTable {

    private static final String FORMAT = "%-3s %-38s %-14s %11s %7s %9s %11s %9s %9s %9s %12s %12s%n";

    private PipelineTable() {
    }

    /** A rate measured over fewer checkpoint intervals than this is marked: it times too few of their pauses. */
    static final int STEADY_INTERVALS = 3;

    /**
     * {@code setup} says what ran (elements, streams, parallelism, checkpoint interval), once, above
     * the table; {@code checkpointInterval} tells which rates were measured over too short a window.
     */
    public static String render(String setup, List<RowResult> rows, Duration checkpointInterval) {
        double steadySeconds = STEADY_INTERVALS * checkpointInterval.toMillis() / 1000.0;
        boolean anyShort = false;
        StringBuilder s = new StringBuilder(setup).append('\n');
        s.append(String.format(Locale.ROOT, FORMAT, "row", "system under test", "delivery", "elements/s", "window", "CPU/el", "latency at", "p50", "p99",
                "max", "written p50", "written p99"));
        for (RowResult r : rows) {
            boolean tooShort = r.window() < steadySeconds;
            anyShort |= tooShort;
            s.append(String.format(Locale.ROOT, FORMAT, r.row().letter(), r.row().title(), r.delivery().label(),
                    rate(r.perSecond()) + (tooShort ? "*" : ""), seconds(r.window()), cpu(r.cpuNanos()), rate(r.latencyRate()) + "/s",
                    millis(r.p50()), millis(r.p99()), millis(r.max()), millis(r.writtenP50()),
                    millis(r.writtenP99())));
        }
        if (anyShort) {
            s.append(String.format(Locale.ROOT, "* measured over less than %d checkpoint intervals (%s): a start-up burst or ramp may "
                    + "dominate it; raise --elements for a steady figure.%n", STEADY_INTERVALS, seconds(steadySeconds)));
        }
        s.append('\n');
        for (String line : ratios(rows)) {
            s.append(line).append('\n');
        }
        List<String> byCpu = cpuRatios(rows);
        if (!byCpu.isEmpty()) {
            s.append(String.format(Locale.ROOT, "%nthe same ratios from the CPU per element (what they would be if every row were bound by the cores alone):%n"));
            byCpu.forEach(line -> s.append(line).append('\n'));
        }
        List<String> steps = steps(rows);
        if (!steps.isEmpty()) {
            s.append(String.format(Locale.ROOT, "%nthe batched step per element, inside the job and alone:%n"));
            steps.forEach(line -> s.append(line).append('\n'));
        }
        long checked = rows.stream().mapToLong(RowResult::checked).sum();
        boolean delayed = rows.stream().anyMatch(r -> r.row().tagsAtOnce());
        s.append(String.format(Locale.ROOT, "%nchecked: every element of every row had exactly one result%s (%,d elements).%n",
                delayed ? ", and every word of row f one tag at once besides" : "", checked));
        s.append("""
                elements/s: results written per second while working through the pre-filled topic, from the result at the
                  20% mark to the last one, timed by the broker's append times (the first 20% are the warm-up); window: how
                  long that took.
                latency at: the rate of the second phase, which sends new elements at a fixed pace (by default half of
                  the row's elements/s); p50/p99/max: from an element's Kafka timestamp to its result being read by an
                  independent read_committed consumer, leaving out the elements sent in the phase's first 20%. Row f
                  (delay 2): to its tag at once; its final tag waits for two more words of the stream, as the load sends them.
                CPU/el: the CPU time of the benchmark's whole JVM (broker, job or copy, reader) per element, over the same
                  window as elements/s: what an element costs the machine, whatever else waits for a core.
                written p50/p99: from an element's Kafka timestamp to its result being appended to the output topic, before
                  its transaction commits; the rest of the latency is the wait for the commit (the checkpoint interval)
                  and the reader's fetch. At-least-once, p99 against written p99 says whether the tail built up before
                  the append (in the job and its producer) or after it.
                in the job: the CPU time of the operator's thread in its batched step (ServedModel.stepBatch) per element
                  stepped, over the same window as elements/s, with the mean elements per batch; alone: the same call on
                  batches of that size, in this JVM with nothing in between (its weights stay in the caches).
                """);
        return s.toString();
    }

    /** One row in a line, for the progress output while the others still run. */
    public static String summary(RowResult r) {
        return String.format(Locale.ROOT, "%s %s: %s elements/s; latency at %s/s: p50 %s, p99 %s, max %s", r.row().letter(),
                r.delivery().label(), rate(r.perSecond()), rate(r.latencyRate()), millis(r.p50()), millis(r.p99()), millis(r.max()));
    }

    /** One line per row that stepped a model: its step in the job against the same step alone. */
    static List<String> steps(List<RowResult> rows) {
        List<String> out = new ArrayList<>();
        for (RowResult r : rows) {
            RowResult.StepCost c = r.step();
            if (c != null) {
                out.add(String.format(Locale.ROOT, "  %s %-14s in the job %s at %.1f per batch, alone %s: %.2fx", r.row().letter(),
                        r.delivery().label(), micros(c.inJobNanos()), c.meanBatch(), micros(c.aloneNanos()), c.ratio()));
            }
        }
        return out;
    }

    static String micros(double nanos) {
        return String.format(Locale.ROOT, "%.2f us", nanos / 1000);
    }

    /** A ratio the targets use: the top row's rate over the bottom row's, and what it tells. */
    private record Comparison(String name, String meaning, BenchRow top, BenchRow bottom) {
    }

    private static final List<Comparison> COMPARISONS = List.of(
            new Comparison("no-op / Kafka copy", "the pipeline's share of what Kafka alone moves", BenchRow.NO_OP, BenchRow.KAFKA_COPY),
            new Comparison("EWT tagger / no-op", "what the EWT-size model leaves of the pipeline's ceiling", BenchRow.EWT, BenchRow.NO_OP),
            new Comparison("streaming / EWT", "what character features and two results per word cost beside it", BenchRow.STREAMING,
                    BenchRow.EWT));

    /** The ratios the targets use, per delivery, where both rows ran. */
    static List<String> ratios(List<RowResult> rows) {
        List<String> out = new ArrayList<>();
        for (Comparison c : COMPARISONS) {
            String s = pairs(rows, c.top(), c.bottom(), (t, b) -> t.perSecond() / b.perSecond());
            if (!s.isEmpty()) {
                out.add(String.format(Locale.ROOT, "%-20s%s   (elements/s; %s)", c.name() + ":", s, c.meaning()));
            }
        }
        return out;
    }

    /**
     * The ratios of {@link #ratios} from the CPU per element instead of the rates: the bottom row's CPU
     * per element over the top row's, where both were read.
     */
    static List<String> cpuRatios(List<RowResult> rows) {
        List<String> out = new ArrayList<>();
        for (Comparison c : COMPARISONS) {
            String s = pairs(rows, c.top(), c.bottom(), (t, b) -> b.cpuNanos() / t.cpuNanos());
            if (!s.isEmpty()) {
                out.add(String.format(Locale.ROOT, "%-20s%s", c.name() + ":", s));
            }
        }
        return out;
    }

    /** {@code "  delivery ratio"} for every delivery where both rows ran and the ratio is a number. */
    private static String pairs(List<RowResult> rows, BenchRow top, BenchRow bottom,
                                java.util.function.ToDoubleBiFunction<RowResult, RowResult> ratio) {
        StringBuilder s = new StringBuilder();
        for (Delivery d : Delivery.values()) {
            RowResult t = find(rows, top, d);
            RowResult b = find(rows, bottom, d);
            if (t != null && b != null) {
                double r = ratio.applyAsDouble(t, b);
                if (!Double.isNaN(r)) {
                    s.append(String.format(Locale.ROOT, "  %s %.2f", d.label(), r));
                }
            }
        }
        return s.toString();
    }

    static String cpu(double nanos) {
        return Double.isNaN(nanos) ? "n/a" : String.format(Locale.ROOT, "%.1f us", nanos / 1000);
    }

    private static RowResult find(List<RowResult> rows, BenchRow row, Delivery d) {
        return rows.stream().filter(r -> r.row() == row && r.delivery() == d).findFirst().orElse(null);
    }

    static String rate(double perSecond) {
        return Double.isNaN(perSecond) ? "n/a" : String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f s", s);
    }

    static String millis(long ms) {
        if (ms < 0) {
            return "n/a";
        }
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
    }
}
