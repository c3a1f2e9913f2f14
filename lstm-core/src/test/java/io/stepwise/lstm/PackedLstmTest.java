package io.stepwise.lstm;

import static io.stepwise.testing.TestArrays.toDouble;
import static io.stepwise.testing.TestArrays.toFloat;
import static io.stepwise.testing.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.ParameterSet;
import io.stepwise.tensor.Tensor;
import io.stepwise.testing.ReferenceLstm64;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The three ways to run an LSTM (one element at a time, a whole batch of sequences, one step for
 * many independent states) agree with each other and with the float64 reference, on random
 * weights and nonzero initial states, for hidden sizes on and off the vector length.
 */
class PackedLstmTest {

    private static final double TOLERANCE = 1e-5;
    private static final int STEPS = 5;
    private static final int BATCH = 4;

    /** An LSTM with random weights and random inputs and initial states for it. */
    private record Setup(LstmConfig config, Lstm lstm, PackedLstm packed, float[] x, float[] h0, float[] c0) {

        static Setup random(int in, int hidden, int layers, long seed) {
            LstmConfig cfg = new LstmConfig(in, hidden, layers);
            ParameterSet set = new ParameterSet();
            Lstm lstm = new Lstm(cfg, set, "");
            SplittableRandom rng = new SplittableRandom(seed);
            lstm.initDefault(set, rng);
            return new Setup(cfg, lstm, lstm.pack(), uniform(rng, STEPS * BATCH * in, 2),
                    uniform(rng, layers * BATCH * hidden, 0.8), uniform(rng, layers * BATCH * hidden, 1.5));
        }

        /** The initial state of sequence {@code b}, out of the {@code [L][B][H]} arrays. */
        LstmState initial(int b) {
            int l = config.numLayers();
            int h = config.hiddenSize();
            float[][] hs = new float[l][];
            float[][] cs = new float[l][];
            for (int k = 0; k < l; k++) {
                hs[k] = Arrays.copyOfRange(h0, (k * BATCH + b) * h, (k * BATCH + b + 1) * h);
                cs[k] = Arrays.copyOfRange(c0, (k * BATCH + b) * h, (k * BATCH + b + 1) * h);
            }
            return LstmState.of(hs, cs);
        }
    }

    @ParameterizedTest(name = "input {0}, hidden {1}, {2} layer(s)")
    @CsvSource({"1, 3, 1", "5, 6, 2", "4, 17, 3", "16, 64, 2", "20, 3, 2", "1, 64, 1"})
    void stepwiseWholeSequenceAndBatchedStepsAgreeWithTheFloat64Reference(int in, int hidden, int layers) {
        Setup s = Setup.random(in, hidden, layers, 1000L * in + 10L * hidden + layers);
        double[][][] refOut = reference(s).out();

        float[] whole = null;
        for (Gemm gemm : new Gemm[]{new Gemm(0), new Gemm(Long.MAX_VALUE)}) {
            whole = s.lstm().forward(s.x(), STEPS, BATCH, s.h0(), s.c0(), gemm).output();
            assertAgrees(whole, refOut, "whole-sequence");
        }

        float[] stepwise = new float[STEPS * BATCH * hidden];
        float[] scratch = s.packed().newScratch();
        for (int b = 0; b < BATCH; b++) {
            LstmState state = s.initial(b);
            for (int t = 0; t < STEPS; t++) {
                s.packed().step(s.x(), (t * BATCH + b) * in, state, scratch);
                System.arraycopy(state.output(), 0, stepwise, (t * BATCH + b) * hidden, hidden);
            }
        }
        assertAgrees(stepwise, refOut, "stepwise");
        assertClose(stepwise, whole, "stepwise vs whole-sequence");

        for (Gemm gemm : new Gemm[]{new Gemm(0), new Gemm(Long.MAX_VALUE)}) {
            PackedLstm.BatchScratch batchScratch = s.packed().new BatchScratch(gemm);
            LstmState[] states = new LstmState[BATCH];
            for (int b = 0; b < BATCH; b++) {
                states[b] = s.initial(b);
            }
            float[] batched = new float[STEPS * BATCH * hidden];
            for (int t = 0; t < STEPS; t++) {
                float[] xt = Arrays.copyOfRange(s.x(), t * BATCH * in, (t + 1) * BATCH * in);
                s.packed().stepBatch(xt, states, BATCH, batchScratch);
                for (int b = 0; b < BATCH; b++) {
                    System.arraycopy(states[b].output(), 0, batched, (t * BATCH + b) * hidden, hidden);
                }
            }
            assertAgrees(batched, refOut, "batched steps");
            assertClose(batched, stepwise, "batched vs stepwise");
        }
    }

    /**
     * The streaming job steps one element at a time and {@code predict} runs whole sequences:
     * the two must agree exactly, whatever order the step walks its weight panels in (it
     * alternates, and one scratch serves all streams) and however many panels there are.
     */
    @ParameterizedTest(name = "input {0}, hidden {1}, {2} layer(s)")
    @CsvSource({"1, 64, 1", "16, 64, 2", "4, 17, 3", "3, 40, 2"})
    void stepwiseEqualsForwardSequenceBitForBit(int in, int hidden, int layers) {
        Setup s = Setup.random(in, hidden, layers, 31L * in + hidden + layers);
        LstmState[] states = new LstmState[BATCH];
        for (int b = 0; b < BATCH; b++) {
            states[b] = s.initial(b);
        }
        float[] whole = s.packed().forwardSequence(s.x(), STEPS, BATCH, states);

        float[] scratch = s.packed().newScratch();
        for (int b = 0; b < BATCH; b++) {
            LstmState state = s.initial(b);
            for (int t = 0; t < STEPS; t++) {
                s.packed().step(s.x(), (t * BATCH + b) * in, state, scratch);
                float[] expected = Arrays.copyOfRange(whole, (t * BATCH + b) * hidden, (t * BATCH + b + 1) * hidden);
                assertThat(state.output()).as("sequence %d, step %d", b, t).containsExactly(expected);
            }
            assertThat(state).isEqualTo(states[b]);
        }
    }

    /**
     * A step whose first {@code known} inputs' share of the gates comes from
     * {@link PackedLstm#leadingInputGates} (a tagger's embedding table) gives the bits of the full
     * step, for every split of the input, with panels walked either way.
     */
    @ParameterizedTest(name = "input {0}, hidden {1}, {2} layer(s)")
    @CsvSource({"1, 64, 1", "16, 64, 2", "4, 17, 3", "7, 40, 1"})
    void aStepFromATableOfLeadingInputGatesEqualsTheFullStepBitForBit(int in, int hidden, int layers) {
        Setup s = Setup.random(in, hidden, layers, 17L * in + hidden + layers);
        int g = 4 * hidden;
        for (int known = 0; known <= in; known++) {
            // the leading inputs of every (t, b) element, as a table of BATCH * STEPS rows
            float[] leading = new float[STEPS * BATCH * known];
            for (int r = 0; r < STEPS * BATCH; r++) {
                System.arraycopy(s.x(), r * in, leading, r * known, known);
            }
            float[] table = s.packed().leadingInputGates(leading, STEPS * BATCH, known);
            float[] fullScratch = s.packed().newScratch();
            float[] tableScratch = s.packed().newScratch();
            for (int b = 0; b < BATCH; b++) {
                LstmState full = s.initial(b);
                LstmState fromTable = s.initial(b);
                for (int t = 0; t < STEPS; t++) {
                    int r = t * BATCH + b;
                    s.packed().step(s.x(), r * in, full, fullScratch);
                    s.packed().step(s.x(), r * in, table, r * g, known, fromTable, tableScratch);
                    assertThat(fromTable.values()).as("known %d, sequence %d, step %d", known, b, t)
                            .containsExactly(full.values());
                }
            }
        }
        assertThatThrownBy(() -> s.packed().leadingInputGates(new float[0], 0, in + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first layer's " + in + " inputs");
    }

    /**
     * The batched step with a table of leading input gates, some elements taking their row from the
     * table and the others computing it, agrees with the batched step without one.
     */
    @ParameterizedTest(name = "input {0}, hidden {1}, {2} layer(s)")
    @CsvSource({"16, 64, 2", "7, 40, 1"})
    void aBatchedStepFromATableOfLeadingInputGatesAgreesWithTheFullBatchedStep(int in, int hidden, int layers) {
        Setup s = Setup.random(in, hidden, layers, 13L * in + hidden);
        int known = in / 2;
        float[] leading = new float[BATCH * known];
        for (int b = 0; b < BATCH; b++) {
            System.arraycopy(s.x(), b * in, leading, b * known, known);
        }
        float[] table = s.packed().leadingInputGates(leading, BATCH, known);
        int[] rows = {0, -1, 2, -1};
        LstmState[] full = new LstmState[BATCH];
        LstmState[] fromTable = new LstmState[BATCH];
        for (int b = 0; b < BATCH; b++) {
            full[b] = s.initial(b);
            fromTable[b] = s.initial(b);
        }
        s.packed().stepBatch(s.x(), full, BATCH, s.packed().newBatchScratch());
        s.packed().stepBatch(s.x(), table, rows, known, fromTable, BATCH, s.packed().newBatchScratch());
        for (int b = 0; b < BATCH; b++) {
            float[] expected = full[b].values();
            float[] actual = fromTable[b].values();
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).as("element %d, value %d", b, i).isCloseTo(expected[i], within(1e-6f));
            }
        }
    }

    @Test
    void finalStatesOfEveryLayerAgreeBetweenWholeSequenceAndStepwise() {
        Setup s = Setup.random(3, 17, 3, 77);
        Lstm.Trace tr = s.lstm().forward(s.x(), STEPS, BATCH, s.h0(), s.c0(), new Gemm());
        ReferenceLstm64.Output ref = reference(s);
        int h = 17;
        for (int b = 0; b < BATCH; b++) {
            LstmState state = s.initial(b);
            for (int t = 0; t < STEPS; t++) {
                state = s.packed().step(Arrays.copyOfRange(s.x(), (t * BATCH + b) * 3, (t * BATCH + b + 1) * 3), state);
            }
            for (int l = 0; l < 3; l++) {
                float[] hn = Arrays.copyOfRange(tr.hN(), (l * BATCH + b) * h, (l * BATCH + b + 1) * h);
                float[] cn = Arrays.copyOfRange(tr.cN(), (l * BATCH + b) * h, (l * BATCH + b + 1) * h);
                assertClose(state.h(l), hn, "h of layer " + l);
                assertClose(state.c(l), cn, "c of layer " + l);
                assertClose(state.h(l), toFloat(ref.hN()[l][b]), "h of layer " + l + " vs reference");
                assertClose(state.c(l), toFloat(ref.cN()[l][b]), "c of layer " + l + " vs reference");
            }
        }
    }

    @Test
    void stepReturningANewStateLeavesTheGivenStateUnchanged() {
        Setup s = Setup.random(2, 6, 2, 5);
        LstmState before = s.initial(0);
        LstmState kept = before.copy();

        LstmState after = s.packed().step(new float[]{0.3f, -1.2f}, before);

        assertThat(before).isEqualTo(kept);
        assertThat(after).isNotEqualTo(before);
        assertThat(after.values()).isNotSameAs(before.values());
    }

    @Test
    void batchedStepsAdvanceOnlyTheFirstNStates() {
        Setup s = Setup.random(2, 6, 2, 9);
        LstmState[] states = {s.initial(0), s.initial(1), s.initial(2)};
        LstmState untouched = states[2].copy();
        LstmState expected = s.packed().step(new float[]{0.5f, 0.25f}, states[1]);

        s.packed().stepBatch(new float[]{1f, -1f, 0.5f, 0.25f, 9f, 9f}, states, 2, s.packed().newBatchScratch());

        assertThat(states[2]).isEqualTo(untouched);
        assertClose(states[1].values(), expected.values(), "state 1");
    }

    @Test
    void aStateIsLaidOutAsHOfEveryLayerThenCOfEveryLayer() {
        LstmState s = LstmState.of(new float[][]{{1, 2}, {3, 4}}, new float[][]{{5, 6}, {7, 8}});

        assertThat(s.values()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(s.h(1)).containsExactly(3, 4);
        assertThat(s.c(0)).containsExactly(5, 6);
        assertThat(s.output()).containsExactly(3, 4);
        assertThat(s.fits(new LstmConfig(9, 2, 2))).isTrue();
        assertThat(s.fits(new LstmConfig(9, 2, 1))).isFalse();
        assertThat(s.fits(new LstmConfig(9, 3, 2))).isFalse();
    }

    @Test
    void aCopyIsIndependentOfItsOriginal() {
        LstmState s = LstmState.zeros(new LstmConfig(1, 3, 2));
        LstmState c = s.copy();

        c.values()[4] = 1f;

        assertThat(s.values()).containsOnly(0f);
        assertThat(c).isNotEqualTo(s);
    }

    @Test
    void aStateOfTheWrongSizeIsRejected() {
        assertThatThrownBy(() -> new LstmState(2, 3, new float[11]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 12 values, got 11");
        assertThatThrownBy(() -> new LstmState(1, 4, new float[16]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStateOfAnotherShapeIsRejectedAndNothingIsAdvanced() {
        Setup s = Setup.random(2, 6, 2, 3);
        LstmState deeper = LstmState.zeros(3, 6);
        LstmState narrower = LstmState.zeros(2, 5);
        LstmState fitting = s.initial(0);
        LstmState fittingBefore = fitting.copy();

        // a deeper state has room for every offset the smaller model reads: only a check stops it
        assertThatThrownBy(() -> s.packed().step(new float[2], 0, deeper, s.packed().newScratch()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 layer(s) of hidden size 6");
        assertThatThrownBy(() -> s.packed().step(new float[2], narrower))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 layer(s) of hidden size 5");
        assertThatThrownBy(() -> s.packed().stepBatch(new float[4], new LstmState[]{fitting, deeper}, 2,
                s.packed().newBatchScratch()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(deeper.values()).containsOnly(0f);
        assertThat(fitting).isEqualTo(fittingBefore);
    }

    @Test
    void packingRejectsMissingOrMisshapenWeights() {
        Setup s = Setup.random(3, 4, 2, 1);
        Map<String, Tensor> weights = new LinkedHashMap<>(s.lstm().weights());
        weights.put("weight_hh_l1", Tensor.zeros(16, 3));
        assertThatThrownBy(() -> PackedLstm.pack(s.config(), weights))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weight_hh_l1");

        Map<String, Tensor> missing = new LinkedHashMap<>(s.lstm().weights());
        missing.remove("bias_ih_l0");
        assertThatThrownBy(() -> PackedLstm.pack(s.config(), missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bias_ih_l0");
    }

    // ---- helpers ----

    private static ReferenceLstm64.Output reference(Setup s) {
        LstmConfig cfg = s.config();
        Map<String, double[]> w = new LinkedHashMap<>();
        s.lstm().weights().forEach((k, t) -> w.put(k, toDouble(t.data())));
        int in = cfg.inputSize();
        int h = cfg.hiddenSize();
        int layers = cfg.numLayers();
        double[][][] x = new double[STEPS][BATCH][in];
        for (int t = 0; t < STEPS; t++) {
            for (int b = 0; b < BATCH; b++) {
                x[t][b] = toDouble(Arrays.copyOfRange(s.x(), (t * BATCH + b) * in, (t * BATCH + b + 1) * in));
            }
        }
        double[][][] h0 = new double[layers][BATCH][];
        double[][][] c0 = new double[layers][BATCH][];
        for (int l = 0; l < layers; l++) {
            for (int b = 0; b < BATCH; b++) {
                h0[l][b] = toDouble(Arrays.copyOfRange(s.h0(), (l * BATCH + b) * h, (l * BATCH + b + 1) * h));
                c0[l][b] = toDouble(Arrays.copyOfRange(s.c0(), (l * BATCH + b) * h, (l * BATCH + b + 1) * h));
            }
        }
        return new ReferenceLstm64(in, h, layers, w).forward(x, h0, c0);
    }

    private static void assertAgrees(float[] actual, double[][][] expected, String what) {
        int i = 0;
        double worst = 0;
        for (double[][] step : expected) {
            for (double[] row : step) {
                for (double v : row) {
                    worst = Math.max(worst, Math.abs(actual[i++] - v));
                }
            }
        }
        assertThat(i).as(what + " size").isEqualTo(actual.length);
        assertThat(worst).as(what + " max abs diff from the float64 reference").isLessThanOrEqualTo(TOLERANCE);
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("%s[%d]", what, i)
                    .isCloseTo(expected[i], within(TOLERANCE));
        }
    }


    @Test
    void batchesStepEachWhileEveryLayersWeightsFitTheL2BudgetAndAsAProductBeyond() {
        // (in + H) x 4H floats per layer: 64 / 128 is 192 x 512 x 4 B = 393 KB; 256 / 256 is 512 x 1024 x 4 B = 2 MB
        assertThat(Setup.random(64, 128, 1, 1).packed().batchesStepEach()).isTrue();
        assertThat(Setup.random(256, 256, 1, 1).packed().batchesStepEach()).isFalse();
        // in 8 / hidden 182, two layers: the first is 190 x 728 x 4 B = 553 KB, the second 364 x 728 x 4 B = 1.06 MB
        assertThat(Setup.random(8, 182, 1, 1).packed().batchesStepEach()).isTrue();
        assertThat(Setup.random(8, 182, 2, 1).packed().batchesStepEach()).isFalse();
    }
}
