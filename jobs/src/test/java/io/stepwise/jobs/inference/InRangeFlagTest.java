package io.stepwise.jobs.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.predict.OfflinePredictor;
import io.stepwise.train.SumEvaluation;
import io.stepwise.train.SumTrainer;
import io.stepwise.train.TrainingListener;
import io.stepwise.wire.Element;
import io.stepwise.wire.Result;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sum model's recorded valid range in the job: results past it say {@code "in_range":false}, as
 * predict's do, and a model that records no range flags nothing. On Flink's keyed broadcast
 * operator test harness; the expected flags are computed here from the stream's position and
 * exact sum against the range, not by the code under test.
 */
class InRangeFlagTest {


    /** A model of the default (fitted) recipe, recording no range. */
    private static SumModel model;

    @BeforeAll
    static void fit() {
        SumTrainer.Settings o = SumTrainer.Settings.builder().hiddenSize(16).maxLength(1024).batchSize(16).build();
        model = new SumTrainer(o).train(new ModelMeta("sum", 1, Map.of()), TrainingListener.NONE).model();
    }

    private OperatorHarness harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static SumModel as(SumModel m, int version) {
        return m.withMeta(new ModelMeta("sum", version, m.meta().provenance()));
    }

    /** {@code m} recording the range its evaluation to 64 numbers supports (as train sum records it). */
    private static SumModel withRange(SumModel m, int version) {
        List<SumEvaluation.Row> rows = SumEvaluation.evaluate(m, 64, 200, 3);
        Map<String, Object> provenance = new LinkedHashMap<>(m.meta().provenance());
        provenance.put("valid_range", SumEvaluation.validRange(rows, 0.01, 64).provenance());
        return m.withMeta(new ModelMeta("sum", version, provenance));
    }

    @Test
    void resultsPastTheRecordedRangeSayInRangeFalseAsPredictDoes() throws Exception {
        SumModel m = withRange(model, 1);
        assertThat(m.validRange().validatedMaxLength()).isEqualTo(64);
        double maxTotal = m.validRange().validatedMaxAbsTotal();
        harness = OperatorHarness.open(ServingSettings.builder().batchSize(1).build(), m);
        // "calm": 100 small values (past the length at 65); "steep": 40 values of 99, past the total
        // once 99 k exceeds the largest total the evaluation met
        List<Element> input = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            input.add(Element.value("calm", (long) i + 1, null, i % 2 == 0 ? 3 : -2));
        }
        for (int i = 0; i < 40; i++) {
            input.add(Element.value("steep", (long) i + 1, null, 99));
        }
        for (Element e : input) {
            harness.element(e);
        }

        List<JsonNode> out = harness.results();
        for (JsonNode r : out) {
            long position = r.get("seq").asLong();
            double exact = r.get("exact").asDouble();
            boolean expected = position <= 64 && Math.abs(exact) <= maxTotal;
            assertThat(r.get("in_range").asBoolean()).as("%s", r).isEqualTo(expected);
            assertThat(r.has("in_range")).isTrue();
        }
        List<JsonNode> flagged = out.stream().filter(r -> !r.get("in_range").asBoolean()).toList();
        assertThat(flagged).extracting(r -> r.get("stream").asText()).contains("calm", "steep");
        assertThat(harness.metrics().resultsOutOfRange.getCount())
                .as("the metric counts them").isEqualTo(flagged.size());
        // predict flags the same results
        List<Result> offline = new OfflinePredictor(m).predict(input).results();
        Map<String, Boolean> expected = new LinkedHashMap<>();
        for (Result r : offline) {
            expected.put(r.stream() + r.seq(), ((Result.Sum) r).inRange());
        }
        for (JsonNode r : out) {
            assertThat(r.get("in_range").asBoolean()).isEqualTo(expected.get(r.get("stream").asText() + r.get("seq").asLong()));
        }
    }

    @Test
    void aModelWithoutARecordedRangeFlagsNothing() throws Exception {
        harness = OperatorHarness.open(ServingSettings.builder().batchSize(1).build(), as(model, 1));
        for (int i = 0; i < 5000; i += 50) {
            harness.value("s", i + 1, 99);
        }

        assertThat(harness.results()).hasSize(100).allSatisfy(r -> assertThat(r.has("in_range")).isFalse());
    }
}
