package io.stepwise.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table: one line per row and delivery, the ratios worked out by hand, and what the columns mean. */
class PipelineTableTest {

    private static RowResult row(BenchRow row, Delivery d, double perSecond, long p50) {
        return row(row, d, perSecond, p50, Double.NaN);
    }

    private static RowResult row(BenchRow row, Delivery d, double perSecond, long p50, double cpuNanos) {
        return new RowResult(row, d, perSecond, 24.5, perSecond / 2, p50, p50 * 2, p50 * 3, 12, p50 + 30, cpuNanos, 1000, 5000, null);
    }

    @Test
    void eachRowIsOneLineWithItsFigures() {
        String table = PipelineTable.render("setup line", List.of(
                row(BenchRow.KAFKA_COPY, Delivery.EXACTLY_ONCE, 100_000, 2600, 9_250),
                row(BenchRow.NO_OP, Delivery.EXACTLY_ONCE, 25_000, 2700)), Duration.ofSeconds(5));

        List<String> lines = table.lines().toList();
        assertThat(lines.get(0)).isEqualTo("setup line");
        assertThat(lines.get(1)).startsWith("row").contains("elements/s", "window", "CPU/el", "p50", "p99", "max", "written p50", "written p99");
        assertThat(lines.get(2).split("\\s{2,}")).containsExactly(
                "a", "Kafka copy (consumer -> producer)", "exactly-once", "100,000", "24.5 s", "9.3 us", "50,000/s", "2.60 s", "5.20 s", "7.80 s", "12 ms", "2.63 s");
        assertThat(lines.get(3).split("\\s{2,}")).containsExactly(
                "b", "no-op tagger (emb 1, hidden 1)", "exactly-once", "25,000", "24.5 s", "n/a", "12,500/s", "2.70 s", "5.40 s", "8.10 s", "12 ms", "2.73 s");
        assertThat(table).contains("checked: every element of every row had exactly one result (10,000 elements).");
        // 24.5 s is more than 3 intervals of 5 s: steady, no mark
        assertThat(table).doesNotContain("*");
    }

    @Test
    void aRateMeasuredOverFewerThanThreeCheckpointIntervalsIsMarked() {
        // 24.5 s is less than 3 intervals of 10 s
        String table = PipelineTable.render("setup", List.of(row(BenchRow.NO_OP, Delivery.AT_LEAST_ONCE, 25_000, 20)),
                Duration.ofSeconds(10));
        assertThat(table).contains(" 25,000*").contains("* measured over less than 3 checkpoint intervals (30.0 s)");
    }

    @Test
    void ratiosArePerDeliveryAndOnlyWhereBothRowsRan() {
        List<RowResult> rows = List.of(
                row(BenchRow.KAFKA_COPY, Delivery.EXACTLY_ONCE, 80_000, 100),
                row(BenchRow.KAFKA_COPY, Delivery.AT_LEAST_ONCE, 100_000, 100),
                row(BenchRow.NO_OP, Delivery.EXACTLY_ONCE, 20_000, 100),
                row(BenchRow.NO_OP, Delivery.AT_LEAST_ONCE, 30_000, 100),
                row(BenchRow.EWT, Delivery.EXACTLY_ONCE, 15_000, 100));

        List<String> ratios = PipelineTable.ratios(rows);

        assertThat(ratios).hasSize(2);
        // 20,000 / 80,000 and 30,000 / 100,000
        assertThat(ratios.get(0)).startsWith("no-op / Kafka copy:").contains("exactly-once 0.25", "at-least-once 0.30");
        // 15,000 / 20,000; no at-least-once EWT row ran
        assertThat(ratios.get(1)).startsWith("EWT tagger / no-op:").contains("exactly-once 0.75").doesNotContain("at-least-once");
    }

    @Test
    void theCpuRatiosSetTheBottomRowsCpuPerElementOverTheTopRowsWhereBothWereRead() {
        List<RowResult> rows = List.of(
                row(BenchRow.KAFKA_COPY, Delivery.EXACTLY_ONCE, 80_000, 100, 4_000),
                row(BenchRow.KAFKA_COPY, Delivery.AT_LEAST_ONCE, 100_000, 100, 3_000),
                row(BenchRow.NO_OP, Delivery.EXACTLY_ONCE, 20_000, 100, 10_000),
                row(BenchRow.NO_OP, Delivery.AT_LEAST_ONCE, 30_000, 100),
                row(BenchRow.EWT, Delivery.EXACTLY_ONCE, 15_000, 100, 12_500));

        // 4,000 / 10,000 ns; at-least-once the no-op's CPU was not read
        assertThat(PipelineTable.cpuRatios(rows)).containsExactly(
                "no-op / Kafka copy:   exactly-once 0.40",
                "EWT tagger / no-op:   exactly-once 0.80");
        assertThat(PipelineTable.render("setup", rows, Duration.ofSeconds(5)))
                .contains("the same ratios from the CPU per element").contains("10.0 us").contains("12.5 us");
        assertThat(PipelineTable.render("setup", rows.subList(3, 4), Duration.ofSeconds(5))).doesNotContain("the same ratios");
    }

    @Test
    void theStreamingTaggerIsSetAgainstTheEwtTaggerAndItsTagsAtOnceAreCounted() {
        List<RowResult> rows = List.of(
                row(BenchRow.EWT, Delivery.AT_LEAST_ONCE, 40_000, 20),
                row(BenchRow.STREAMING, Delivery.AT_LEAST_ONCE, 30_000, 25));
        // 30,000 / 40,000
        assertThat(PipelineTable.ratios(rows)).containsExactly(
                "streaming / EWT:      at-least-once 0.75   (elements/s; what character features and two results per word cost beside it)");
        assertThat(PipelineTable.render("setup", rows, Duration.ofSeconds(5)))
                .contains("and every word of row f one tag at once besides (10,000 elements)");
        assertThat(PipelineTable.render("setup", rows.subList(0, 1), Duration.ofSeconds(5))).doesNotContain("tag at once besides");
    }

    @Test
    void withoutTheRowsARatioNeedsThereIsNoRatioLine() {
        assertThat(PipelineTable.ratios(List.of(row(BenchRow.SUM, Delivery.EXACTLY_ONCE, 1000, 10)))).isEmpty();
    }

    @Test
    void theStepInTheJobIsSetBesideTheStepAloneForRowsThatStepAModel() {
        RowResult copy = row(BenchRow.KAFKA_COPY, Delivery.EXACTLY_ONCE, 80_000, 100);
        RowResult ewt = new RowResult(BenchRow.EWT, Delivery.AT_LEAST_ONCE, 15_000, 24.5, 7500, 20, 40, 60, 12, 35, Double.NaN, 1000, 5000,
                new RowResult.StepCost(3_300, 121.46, 2_200));

        assertThat(PipelineTable.steps(List.of(copy, ewt))).containsExactly(
                "  d at-least-once  in the job 3.30 us at 121.5 per batch, alone 2.20 us: 1.50x");
        assertThat(PipelineTable.render("setup", List.of(copy, ewt), Duration.ofSeconds(5)))
                .contains("the batched step per element, inside the job and alone:");
        assertThat(PipelineTable.render("setup", List.of(copy), Duration.ofSeconds(5))).doesNotContain("inside the job and alone");
    }

    @Test
    void stepCountsGiveTheCostPerElementAndTheMeanBatchBetweenTwoReadings() {
        StepCostReporter.StepCounts warm = new StepCostReporter.StepCounts(1_000_000, 900, 1_000, 10);
        StepCostReporter.StepCounts end = new StepCostReporter.StepCounts(4_000_000, 2_400, 2_500, 22);

        // 3,000,000 ns over the 1,500 elements timed; 1,500 elements stepped in 12 batches
        assertThat(end.nanosPerElementSince(warm)).isEqualTo(2000.0);
        assertThat(end.meanBatchSince(warm)).isEqualTo(125.0);
        assertThat(warm.nanosPerElementSince(warm)).isNaN();
    }

    @Test
    void latenciesUnderASecondAreInMillisecondsAndMissingOnesSaySo() {
        assertThat(PipelineTable.millis(999)).isEqualTo("999 ms");
        assertThat(PipelineTable.millis(1000)).isEqualTo("1.00 s");
        assertThat(PipelineTable.millis(12_345)).isEqualTo("12.35 s");
        assertThat(PipelineTable.millis(-1)).isEqualTo("n/a");
        assertThat(PipelineTable.rate(Double.NaN)).isEqualTo("n/a");
        assertThat(PipelineTable.rate(14_800.4)).isEqualTo("14,800");
    }
}
