package io.stepwise.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.lstm.LstmState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A model and its withMeta copies share their weights, so they must share the packed form's life. */
class PackedCacheTest {

    @Test
    void weightsChangedThroughTheOriginalReachACopyThatAlreadyPackedThem() {
        SumModel original = new SumModel(new ModelMeta("sum", 1, Map.of()), 8, 1, 10f, 10f).initRandom(3);
        SumModel copy = original.withMeta(new ModelMeta("sum", 2, Map.of()));
        double before = copy.new Stepper().step(5, LstmState.zeros(copy.lstmConfig()));

        // train in place through the original: every weight moves
        for (var p : original.parameters().asMap().values()) {
            float[] w = p.data();
            for (int i = 0; i < w.length; i++) {
                w[i] *= 1.5f;
            }
        }
        original.weightsChanged();

        double after = copy.new Stepper().step(5, LstmState.zeros(copy.lstmConfig()));
        SumModel reloaded = new SumModel(new ModelMeta("sum", 3, Map.of()), 8, 1, 10f, 10f);
        reloaded.parameters().load(original.parameters().stateDict());
        reloaded.weightsChanged();
        double fresh = reloaded.new Stepper().step(5, LstmState.zeros(copy.lstmConfig()));
        assertThat(after).isNotEqualTo(before).isEqualTo(fresh);
    }
}
