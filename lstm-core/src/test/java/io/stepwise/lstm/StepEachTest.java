package io.stepwise.lstm;

import static io.stepwise.testing.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stepwise.tensor.ParameterSet;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Stepping a few streams at a time ({@link PackedLstm#stepEach}, on the blocked kernels of
 * {@link StepKernel#accumulatePanelRowsEach}) gives every stream the bits of its own
 * {@link PackedLstm#step}, which the streaming job and {@code predict} rely on; and the sums are
 * the float64 sums to rounding.
 */
class StepEachTest {

    /**
     * Both blocked kernels (four streams and two, whichever this CPU's registers favour) and the
     * dispatch over panels and leftover streams, against the one-stream kernel, bit for bit. Widths
     * on and off the kernels' 4-vector blocks, panels cut short, rows starting past a table's share.
     */
    @ParameterizedTest(name = "{0} rows of {1} outputs from row {2}")
    @CsvSource({"192, 512, 64", "65, 256, 0", "30, 24, 5", "20, 160, 3", "7, 68, 0"})
    void blockedKernelsGiveEachStreamTheOneStreamKernelsBits(int k, int g, int first) {
        SplittableRandom rng = new SplittableRandom(31L * k + g);
        float[] panels = StepKernel.toPanels(uniform(rng, k * g, 0.5), k, g);
        int n = k - first;
        int streams = 9; // two groups of four and one left over, or four pairs and one
        float[] v = uniform(rng, streams * k, 2);
        float[] start = uniform(rng, streams * g, 1);

        float[] expected = start.clone();
        for (int e = 0; e < streams; e++) {
            StepKernel.accumulatePanelRows(panels, k, g, first, n, v, e * k + first, expected, e * g, false);
        }
        for (int m = 1; m <= streams; m++) {
            float[] z = start.clone();
            StepKernel.accumulatePanelRowsEach(panels, k, g, first, n, v, first, k, z, 0, g, m);
            for (int e = 0; e < streams; e++) {
                for (int j = 0; j < g; j++) {
                    float want = e < m ? expected[e * g + j] : start[e * g + j]; // streams past m untouched
                    assertThat(z[e * g + j]).as("m %d, stream %d, output %d", m, e, j).isEqualTo(want);
                }
            }
        }
        // each kernel directly, on whole 4-vector blocks of the first panel
        int block = 4 * StepKernel.L;
        int width = Math.min(StepKernel.PANEL, g);
        if (width % block == 0) {
            float[] four = start.clone();
            float[] two = start.clone();
            for (int c = 0; c < width; c += block) {
                StepKernel.fourStreams(panels, first * width + c, width, v, first, k, n, four, c, g);
                StepKernel.twoStreams(panels, first * width + c, width, v, first, k, n, two, c, g);
            }
            for (int e = 0; e < 4; e++) {
                for (int j = 0; j < width; j++) {
                    assertThat(four[e * g + j]).as("four, stream %d, output %d", e, j).isEqualTo(expected[e * g + j]);
                    if (e < 2) {
                        assertThat(two[e * g + j]).as("two, stream %d, output %d", e, j).isEqualTo(expected[e * g + j]);
                    }
                }
            }
        }
        // and the sums themselves, in float64 from the row-major weights
        float[] rowMajor = fromPanels(panels, k, g);
        for (int e = 0; e < streams; e++) {
            for (int j = 0; j < g; j++) {
                double sum = start[e * g + j];
                for (int r = first; r < k; r++) {
                    sum += (double) v[e * k + r] * rowMajor[r * g + j];
                }
                assertThat((double) expected[e * g + j]).isCloseTo(sum, within(1e-4));
            }
        }
    }

    /**
     * {@link PackedLstm#stepEach} against each state stepped alone with {@link PackedLstm#step}: with
     * a table of leading input gates where a row exists and without where not (an unknown word), on
     * one and several layers, for 1 to 9 streams, over three steps.
     */
    @ParameterizedTest(name = "input {0}, hidden {1}, {2} layer(s)")
    @CsvSource({"64, 128, 1", "16, 64, 2", "7, 6, 1", "5, 17, 3"})
    void stepEachGivesEveryStreamTheBitsOfItsOwnStep(int in, int hidden, int layers) {
        LstmConfig cfg = new LstmConfig(in, hidden, layers);
        ParameterSet set = new ParameterSet();
        Lstm lstm = new Lstm(cfg, set, "");
        SplittableRandom rng = new SplittableRandom(7L * in + hidden);
        lstm.initDefault(set, rng);
        PackedLstm packed = lstm.pack();
        int known = in / 2;
        int tableRows = 3;
        float[] table = packed.leadingInputGates(uniform(rng, tableRows * known, 1), tableRows, known);
        int g = 4 * hidden;
        PackedLstm.BatchScratch batchScratch = packed.newBatchScratch();
        float[] scratch = packed.newScratch();

        for (int n = 1; n <= 9; n++) {
            LstmState[] together = new LstmState[n];
            LstmState[] alone = new LstmState[n];
            for (int b = 0; b < n; b++) {
                together[b] = LstmState.zeros(cfg);
                alone[b] = LstmState.zeros(cfg);
            }
            for (int step = 0; step < 3; step++) {
                float[] x = uniform(rng, n * in, 2);
                int[] rows = new int[n];
                for (int b = 0; b < n; b++) {
                    rows[b] = (b + step) % (tableRows + 1) - 1; // -1: no row, the inputs multiplied here
                    if (rows[b] >= 0) {
                        packed.step(x, b * in, table, rows[b] * g, known, alone[b], scratch);
                    } else {
                        packed.step(x, b * in, alone[b], scratch);
                    }
                }
                packed.stepEach(x, table, rows, known, together, n, batchScratch);
                for (int b = 0; b < n; b++) {
                    assertThat(together[b].values()).as("%d streams, step %d, stream %d", n, step, b)
                            .containsExactly(alone[b].values());
                }
            }
        }
    }

    /** The row-major matrix {@link StepKernel#toPanels} laid out. */
    private static float[] fromPanels(float[] panels, int k, int g) {
        float[] out = new float[k * g];
        for (int col = 0; col < g; col += StepKernel.PANEL) {
            int width = Math.min(StepKernel.PANEL, g - col);
            for (int r = 0; r < k; r++) {
                System.arraycopy(panels, col * k + r * width, out, r * g + col, width);
            }
        }
        return out;
    }
}
