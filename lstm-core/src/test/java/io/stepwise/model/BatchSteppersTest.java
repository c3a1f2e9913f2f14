package io.stepwise.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stepwise.lstm.LstmState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A batch stepped as the job steps it ({@link Model#newBatchStepper}) and as one product per layer
 * ({@link Model#newProductStepper}) against each stream stepped alone by {@link Model#newStepper}, a
 * separate code path (the single step's panel kernel).
 */
class BatchSteppersTest {

    private static final int STREAMS = 5;
    private static final int STEPS = 6;

    /** Every stream's predictions, stream by stream, from {@code batched} over STEPS rounds of all streams. */
    private static Prediction[][] batched(Model m, Model.BatchStepper batched, Input[][] inputs) {
        LstmState[] states = new LstmState[STREAMS];
        for (int b = 0; b < STREAMS; b++) {
            states[b] = LstmState.zeros(m.lstmConfig());
        }
        Prediction[][] out = new Prediction[STREAMS][STEPS];
        for (int t = 0; t < STEPS; t++) {
            Input[] in = new Input[STREAMS];
            Prediction[] p = new Prediction[STREAMS];
            for (int b = 0; b < STREAMS; b++) {
                in[b] = inputs[b][t];
            }
            batched.step(in, states, STREAMS, p);
            for (int b = 0; b < STREAMS; b++) {
                out[b][t] = p[b];
            }
        }
        return out;
    }

    private static Prediction[][] alone(Model m, Input[][] inputs) {
        Model.Stepper single = m.newStepper();
        Prediction[][] out = new Prediction[STREAMS][STEPS];
        for (int b = 0; b < STREAMS; b++) {
            LstmState state = LstmState.zeros(m.lstmConfig());
            for (int t = 0; t < STEPS; t++) {
                out[b][t] = single.step(inputs[b][t], state);
            }
        }
        return out;
    }

    @Test
    void aSumModelsProductAndItsJobStepAgreeWithEachStreamSteppedAlone() {
        SumModel m = new SumModel(new ModelMeta("sum", 1, Map.of()), 8, 2, 100f, 0.03f).initRandom(7);
        Input[][] inputs = new Input[STREAMS][STEPS];
        for (int b = 0; b < STREAMS; b++) {
            for (int t = 0; t < STEPS; t++) {
                inputs[b][t] = Input.value(13.0 * b - 7.5 * t);
            }
        }
        Prediction[][] expected = alone(m, inputs);
        for (Model.BatchStepper stepper : List.of(m.newProductStepper(), m.newBatchStepper())) {
            Prediction[][] actual = batched(m, stepper, inputs);
            for (int b = 0; b < STREAMS; b++) {
                for (int t = 0; t < STEPS; t++) {
                    double e = ((Prediction.Sum) expected[b][t]).value();
                    assertThat(((Prediction.Sum) actual[b][t]).value()).isCloseTo(e, within(1e-5 * Math.max(1, Math.abs(e))));
                }
            }
        }
    }

    @Test
    void aTaggersProductAndItsJobStepAgreeWithEachStreamSteppedAlone() {
        List<String> words = List.of("the", "dog", "ate", "apple", "a", "cat");
        TaggerModel m = new TaggerModel(new ModelMeta("tagger", 1, Map.of()), Vocabulary.withUnknown(words),
                Vocabulary.closed(List.of("DET", "NOUN", "VERB")), 5, 7, 1).initRandom(3);
        Input[][] inputs = new Input[STREAMS][STEPS];
        for (int b = 0; b < STREAMS; b++) {
            for (int t = 0; t < STEPS; t++) {
                // every fourth word is unknown: the product computes its embedding's share, the others come from the table
                inputs[b][t] = Input.token((b + t) % 4 == 0 ? "zebra" + b : words.get((b * 5 + t) % words.size()));
            }
        }
        Prediction[][] expected = alone(m, inputs);
        for (Model.BatchStepper stepper : List.of(m.newProductStepper(), m.newBatchStepper())) {
            Prediction[][] actual = batched(m, stepper, inputs);
            for (int b = 0; b < STREAMS; b++) {
                for (int t = 0; t < STEPS; t++) {
                    Prediction.Tag e = (Prediction.Tag) expected[b][t];
                    Prediction.Tag a = (Prediction.Tag) actual[b][t];
                    assertThat(a.tag()).isEqualTo(e.tag());
                    assertThat((double) a.probability()).isCloseTo(e.probability(), within(1e-5));
                }
            }
        }
    }
}
