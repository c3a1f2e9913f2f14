package io.stepwise.jobs.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.train.SumTrainer;
import io.stepwise.train.TrainingListener;
import io.stepwise.wire.Element;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sums' default update policy, carry, on Flink's keyed broadcast operator test harness: versions
 * made by the default (fitted) recipe are swapped at several points of one long stream, and each
 * swap must continue the running sum from the last result within the new version's own error at
 * that magnitude, measured apart from the job by running the new version from zero over fresh
 * streams that reach the same total.
 */
class CarryUpdatePolicyTest {


    /** Two weight sets of the default recipe, of different hidden sizes, served under increasing version numbers. */
    private static SumModel narrow;
    private static SumModel wide;

    @BeforeAll
    static void fitModels() {
        narrow = fitted(16, 1);
        wide = fitted(32, 2);
    }

    @AfterAll
    static void release() {
        narrow = null;
        wide = null;
    }

    private static SumModel fitted(int hidden, long seed) {
        SumTrainer.Settings o = SumTrainer.Settings.builder().hiddenSize(hidden).maxLength(4096).batchSize(16).seed(seed).build();
        return new SumTrainer(o).train(new ModelMeta("sum", 1, Map.of()), TrainingListener.NONE).model();
    }

    private static SumModel as(SumModel m, int version) {
        return m.withMeta(new ModelMeta("sum", version, m.meta().provenance()));
    }

    private OperatorHarness harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    /**
     * The RMS error of {@code m}'s running sum, from the zero state, at the end of 20 fresh streams
     * of {@code length} numbers that drift to {@code total} (half to {@code -total}): the version's
     * own error at that magnitude, computed without the job or the carry.
     */
    static double ownError(SumModel m, double total, int length) {
        SplittableRandom rng = new SplittableRandom(1000 + (long) Math.abs(total));
        double sq = 0;
        int n = 20;
        for (int b = 0; b < n; b++) {
            double mean = (b % 2 == 0 ? 1 : -1) * total / length;
            double half = 100 - Math.abs(mean);
            double[] v = new double[length];
            double exact = 0;
            for (int i = 0; i < length; i++) {
                v[i] = Math.max(-100, Math.min(99, Math.floor(mean - half + rng.nextDouble() * 2 * half)));
                exact += v[i];
            }
            double e = m.runningSums(v)[length - 1] - exact;
            sq += e * e;
        }
        return Math.sqrt(sq / n);
    }

    /** A script of one stream: {@code count} values drifting by {@code drift}, numbered from {@code seq}. */
    private static double[] segment(SplittableRandom rng, int count, double drift) {
        double[] v = new double[count];
        double half = 100 - Math.abs(drift);
        for (int i = 0; i < count; i++) {
            v[i] = Math.max(-100, Math.min(99, Math.floor(drift - half + rng.nextDouble() * 2 * half)));
        }
        return v;
    }

    /** What a swap did: the last result before it, and the results after it. */
    private record Swap(int version, JsonNode before, List<JsonNode> after, double[] values) {
    }

    @Test
    void swapsAtSeveralTotalsContinueTheSumWithinTheNewVersionsOwnError() throws Exception {
        harness = OperatorHarness.open(ServingSettings.builder().batchSize(1).build(), as(narrow, 1));
        SplittableRandom rng = new SplittableRandom(5);
        // the stream: near zero, then drifting up past 4,000, 11,000 and 20,000, then down through about 1,500
        double[][] segments = {segment(rng, 300, 0), segment(rng, 400, 12), segment(rng, 500, 14), segment(rng, 500, 17),
            segment(rng, 600, -31), segment(rng, 200, 0)};
        SumModel[] next = {as(wide, 2), as(narrow, 3), as(wide, 4), as(narrow, 5), as(wide, 6)};
        long seq = 1;
        List<Swap> swaps = new ArrayList<>();
        for (int k = 0; k < segments.length; k++) {
            if (k > 0) {
                List<JsonNode> sofar = harness.results();
                JsonNode before = sofar.get(sofar.size() - 1);
                harness.announce(next[k - 1]);
                int from = sofar.size();
                for (double v : segments[k]) {
                    harness.value("meter", seq++, v);
                }
                List<JsonNode> all = harness.results();
                swaps.add(new Swap(next[k - 1].version(), before, all.subList(from, all.size()), segments[k]));
            } else {
                for (double v : segments[k]) {
                    harness.value("meter", seq++, v);
                }
            }
        }

        assertThat(swaps).hasSize(5);
        Map<Double, String> figures = new LinkedHashMap<>();
        for (int k = 0; k < swaps.size(); k++) {
            Swap s = swaps.get(k);
            SumModel served = next[k];
            double sumBefore = s.before().get("sum").asDouble();
            double exactBefore = s.before().get("exact").asDouble();
            // the new version's own error at this total, and 100 elements on (the stream is ~1,000 long by then)
            double own = ownError(served, exactBefore, 1000);
            double tolerance = 3 * own + 0.05;
            JsonNode first = s.after().get(0);
            assertThat(first.get("version").asInt()).isEqualTo(s.version());
            double x = s.values()[0];
            assertThat(Math.abs(first.get("sum").asDouble() - (sumBefore + x)))
                    .as("swap to v%d at exact %.0f: first result after it (own error %.3f)", s.version(), exactBefore, own)
                    .isLessThanOrEqualTo(tolerance);
            double added = 0;
            for (int i = 0; i < 100; i++) {
                added += s.values()[i];
            }
            double ownLater = ownError(served, exactBefore + added, 1100);
            assertThat(Math.abs(s.after().get(99).get("sum").asDouble() - (sumBefore + added)))
                    .as("swap to v%d: 100 elements after it (own error %.3f)", s.version(), ownLater)
                    .isLessThanOrEqualTo(3 * ownLater + 0.05);
            figures.put(exactBefore, String.format("v%d: |after - (before + x)| = %.4f, own error %.4f", s.version(),
                    Math.abs(first.get("sum").asDouble() - (sumBefore + x)), own));
        }
        // the swaps happened at totals of several magnitudes, up to about 20,000
        assertThat(figures.keySet().stream().mapToDouble(Math::abs).max().orElse(0)).isGreaterThan(15_000);
        assertThat(figures.keySet().stream().mapToDouble(Math::abs).min().orElse(1e9)).isLessThan(2_000);
        figures.forEach((total, line) -> System.out.printf("carry at exact %.0f: %s%n", total, line));
        InferenceMetrics metrics = harness.metrics();
        assertThat(metrics.carried.getCount()).isEqualTo(5);
        assertThat(metrics.carriedFromExact.getCount()).as("every old version still held").isZero();
        assertThat(metrics.stateResets.getCount()).as("hidden sizes 16 and 32 alternate, and no stream starts over").isZero();
    }

    @Test
    void rewarmUnderTheSameSwapLosesTheTotalWhichIsWhyCarryIsTheDefault() throws Exception {
        harness = OperatorHarness.open(ServingSettings.builder().batchSize(1).updatePolicy(UpdatePolicy.REWARM).build(), as(narrow, 1));
        SplittableRandom rng = new SplittableRandom(9);
        long seq = 1;
        for (double v : segment(rng, 500, 15)) {
            harness.value("meter", seq++, v);
        }
        JsonNode before = harness.results().get(499);
        harness.announce(as(narrow, 2));
        harness.value("meter", seq, 10);

        JsonNode after = harness.results().get(500);
        double exact = before.get("exact").asDouble();
        assertThat(exact).isGreaterThan(5_000);
        // the new version knows only the last 16 elements: it is off by nearly the whole total
        assertThat(Math.abs(after.get("sum").asDouble() - (before.get("sum").asDouble() + 10))).isGreaterThan(0.5 * exact);
        assertThat(ServingSettings.defaults().policyFor(io.stepwise.model.ModelKind.SUM)).isEqualTo(UpdatePolicy.CARRY);
    }

    @Test
    void whenTheOldVersionIsNoLongerHeldTheExactSumIsCarried() throws Exception {
        // one version kept: when v3 arrives, v2 (which served the stream) is gone, and its reading with it
        harness = OperatorHarness.open(ServingSettings.builder().batchSize(1).keptVersions(1).build(), null);
        harness.announce(as(narrow, 1));
        SplittableRandom rng = new SplittableRandom(13);
        long seq = 1;
        for (double v : segment(rng, 400, 20)) {
            harness.value("meter", seq++, v);
        }
        harness.announce(as(wide, 2));
        harness.announce(as(narrow, 3));
        harness.value("meter", seq, -5);

        List<JsonNode> out = harness.results();
        JsonNode before = out.get(399);
        JsonNode after = out.get(400);
        assertThat(after.get("version").asInt()).isEqualTo(3);
        double exact = before.get("exact").asDouble();
        double own = ownError(narrow, exact, 1000);
        // from the exact sum, not from v1's reading of it
        assertThat(Math.abs(after.get("sum").asDouble() - (exact - 5))).isLessThanOrEqualTo(3 * own + 0.05);
        assertThat(after.get("exact").asDouble()).isEqualTo(exact - 5);
        assertThat(harness.metrics().carriedFromExact.getCount()).isEqualTo(1);
    }

    @Test
    void taggersKeepPinningUnderCarryBecauseTheyDefineNoCarry() throws Exception {
        var v1 = RunningInferenceTest.tagger(1, 7);
        var v2 = RunningInferenceTest.tagger(2, 99);
        harness = OperatorHarness.open(ServingSettings.builder().batchSize(1).updatePolicy(UpdatePolicy.CARRY).build(), v1);

        harness.element(Element.token("a", 1L, null, "the"));
        harness.announce(v2);
        harness.element(Element.token("a", 2L, null, "dog"));
        harness.element(Element.token("b", 1L, null, "the"));

        assertThat(harness.results()).extracting(r -> r.get("stream").asText() + r.get("seq").asInt() + "@v" + r.get("version").asInt())
                .containsExactly("a1@v1", "a2@v1", "b1@v2");
    }
}
