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

    /**
     * A character tagger with lower-cased lookup takes a known word's whole input share of the gates
     * (embedding and characters as written) from a table; other words, unknown or written in a form
     * the table lacks, compute it. Either way each word's tag at once has the bits of {@code predict},
     * which multiplies every input: the job and the offline path agree exactly.
     */
    @Test
    void aCharacterTaggersStepsFromTheKnownWordTableGivePredictsBits() {
        List<String> words = List.of("the", "dog", "ate", "an", "apple", "éclair");
        Vocabulary characters = Vocabulary.withUnknown(List.of("t", "h", "e", "d", "o", "g", "a", "n", "p", "l", "T", "D", "é", "É"));
        TaggerModel m = new TaggerModel(new ModelMeta("chars", 1, Map.of()), Vocabulary.withUnknown(words),
                Vocabulary.closed(List.of("DET", "NOUN", "VERB")), characters, new TaggerShape(4, 6, 1, 3, 5, 8, 0, true))
                .initRandom(11);
        // known, capitalised (in the table too), all capitals (known word, form not in the table), unknown
        List<String> sentence = List.of("The", "dog", "ate", "an", "Éclair", "THE", "apple", "zebra", "Dog", "DOG");
        List<Prediction> offline = m.predict(List.of(sentence.stream().map(Input::token).toList())).get(0);

        TaggerModel.Stepper single = m.newStepper();
        LstmState state = LstmState.zeros(m.lstmConfig());
        Model.BatchStepper batch = m.newBatchStepper();
        LstmState[] states = {LstmState.zeros(m.lstmConfig())};
        Prediction[] out = new Prediction[1];
        for (int t = 0; t < sentence.size(); t++) {
            Prediction.Tag step = single.step(sentence.get(t), state);
            batch.step(new Input[]{Input.token(sentence.get(t))}, states, 1, out);
            assertThat(step).as("word %d, %s, stepped alone", t, sentence.get(t)).isEqualTo(offline.get(t));
            assertThat(out[0]).as("word %d, %s, in a batch", t, sentence.get(t)).isEqualTo(offline.get(t));
        }
    }
}
