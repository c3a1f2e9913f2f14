package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.model.SumValidRange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SumValidRangeTest {

    /** A row whose rmse / std is {@code rel} and whose largest |sum| is {@code maxAbs}. */
    private static SumEvaluation.Row row(int length, double rel, double maxAbs) {
        double std = 100;
        double rmse = rel * std;
        return new SumEvaluation.Row(length, 10, rmse * rmse, 0, rmse, std, maxAbs);
    }

    @Test
    void theRangeEndsBeforeTheFirstLengthOutsideTheTolerance() {
        List<SumEvaluation.Row> rows = List.of(row(8, 0.002, 500), row(2, 0.004, 200), row(4, 0.001, 300),
                row(16, 0.02, 900), row(32, 0.005, 1500));

        SumValidRange r = SumEvaluation.validRange(rows, 0.01, 256);

        // 32 passes again, but after 16 failed nothing beyond 8 is validated
        assertThat(r.validatedMaxLength()).isEqualTo(8);
        assertThat(r.validatedMaxAbsTotal()).isEqualTo(500);
        assertThat(r.worstRelativeError()).isEqualTo(0.004);
        assertThat(r.trainedMaxLength()).isEqualTo(256);
        assertThat(r.covers(8, -499)).isTrue();
        assertThat(r.covers(9, 0)).isFalse();
        assertThat(r.covers(3, 501)).isFalse();
        assertThat(r.provenance()).containsEntry("validated_max_length", 8).containsEntry("input_range", List.of(-100.0, 100.0));
    }

    @Test
    void aModelFailingAtTheShortestLengthHasNoRange() {
        SumValidRange r = SumEvaluation.validRange(List.of(row(2, 0.5, 100), row(4, 0.001, 100)), 0.01, 8);

        assertThat(r.validatedMaxLength()).isZero();
        assertThat(r.covers(1, 0)).isFalse();
        assertThatThrownBy(() -> SumEvaluation.validRange(List.of(), 0, 8)).hasMessageContaining("tolerance");
    }

    @Test
    void theEvaluationRecordsHowFarFromZeroItsSumsWent() {
        // two sequences of length 2 from seed 5, drawn again: the larger |sum| is the row's
        SumData data = new SumData(5);
        double expected = 0;
        for (int i = 0; i < 2; i++) {
            double[] v = data.sequence(2, 1.0);
            expected = Math.max(expected, Math.abs(v[0] + v[1]));
        }
        io.stepwise.model.SumModel m = new io.stepwise.model.SumModel(new io.stepwise.model.ModelMeta("sum", 1, java.util.Map.of()),
                2, 1, 100f, 100f).initRandom(1);

        SumEvaluation.Row r = SumEvaluation.evaluate(m, 2, 2, 5).get(0);

        assertThat(r.maxAbsTrueSum()).isEqualTo(expected);
    }

    @Test
    void aModelFileGivesBackTheRangeItRecordsAndNoneWhenItRecordsNone() {
        SumValidRange r = SumEvaluation.validRange(List.of(row(2, 0.001, 150), row(4, 0.002, 260.5)), 0.01, 64);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("valid_range", r.provenance());
        io.stepwise.model.SumModel m = new io.stepwise.model.SumModel(new io.stepwise.model.ModelMeta("sum", 1, provenance),
                2, 1, 100f, 100f).initRandom(1);

        io.stepwise.model.SumModel read = (io.stepwise.model.SumModel) io.stepwise.model.ModelFile.fromBytes(
                io.stepwise.model.ModelFile.toBytes(m), "test");

        assertThat(read.validRange()).isEqualTo(r);
        assertThat(read.inValidRange(4, -260.5)).isTrue();
        assertThat(read.inValidRange(5, 0)).as("longer than validated").isFalse();
        assertThat(read.inValidRange(2, 261)).as("a larger total than validated").isFalse();
        io.stepwise.model.SumModel without = new io.stepwise.model.SumModel(new io.stepwise.model.ModelMeta("sum", 1, Map.of()),
                2, 1, 100f, 100f);
        assertThat(without.validRange()).isNull();
        assertThat(without.inValidRange(1_000_000, 1e9)).as("no range, no flag").isNull();
        assertThat(SumValidRange.fromProvenance(Map.of("valid_range", Map.of("validated_max_length", "long")))).isNull();
    }
}
