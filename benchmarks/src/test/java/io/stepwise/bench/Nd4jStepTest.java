package io.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stepwise.lstm.LstmState;
import io.stepwise.lstm.PackedLstm;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

/** The per-op ND4J baseline must compute the same step as the kernel it is compared with. */
class Nd4jStepTest {

    @ParameterizedTest
    @ValueSource(strings = {"1x64", "64x128"})
    void agreesWithPackedLstmOverSeveralSteps(String text) {
        Shape shape = Shape.parse(text);
        Nd4jStep nd4j = new Nd4jStep(shape.config(), shape.randomWeights(1));
        PackedLstm packed = PackedLstm.pack(shape.config(), shape.randomWeights(1));
        LstmState state = LstmState.zeros(shape.config());
        float[] scratch = packed.newScratch();
        float[] xs = Shape.randomInputs(2, 5 * shape.inputSize());
        for (int t = 0; t < 5; t++) {
            float[] x = Arrays.copyOfRange(xs, t * shape.inputSize(), (t + 1) * shape.inputSize());
            nd4j.step(Nd4j.create(x, new long[]{1, shape.inputSize()}, 'c'));
            packed.step(xs, t * shape.inputSize(), state, scratch);
        }
        float[] h = nd4j.h().toFloatVector();
        float[] c = nd4j.c().toFloatVector();
        float[] expectedH = state.h(0);
        float[] expectedC = state.c(0);
        for (int j = 0; j < shape.hiddenSize(); j++) {
            assertThat(h[j]).as("h[%d]", j).isCloseTo(expectedH[j], within(1e-5f));
            assertThat(c[j]).as("c[%d]", j).isCloseTo(expectedC[j], within(1e-5f));
        }
        assertThat(expectedH).as("the state moved").isNotEqualTo(new float[shape.hiddenSize()]);
    }
}
