package io.stepwise.lstm;

import static io.stepwise.testing.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A small Linear layer's row four outputs at a time ({@link StepKernel#rowDots}, a tagger's head)
 * gives every output the bits of {@link StepKernel#dot}, which {@code predict} and the streaming job
 * share, and the float64 sum to rounding.
 */
class RowDotsTest {

    @ParameterizedTest(name = "{0} rows of {1}")
    @CsvSource({"17, 128", "17, 256", "1, 64", "3, 20", "4, 16", "8, 17", "9, 130", "5, 7"})
    void everyOutputHasTheBitsOfItsOwnDot(int rows, int n) {
        SplittableRandom rng = new SplittableRandom(17L * rows + n);
        int wOff = 3;
        int xOff = 5;
        int yOff = 2;
        float[] w = uniform(rng, wOff + rows * n, 0.5);
        float[] x = uniform(rng, xOff + n, 2);
        float[] bias = uniform(rng, rows, 1);
        float[] y = new float[yOff + rows + 1];
        y[yOff + rows] = 42f;

        StepKernel.rowDots(w, wOff, rows, n, x, xOff, bias, y, yOff);

        for (int r = 0; r < rows; r++) {
            float want = bias[r] + StepKernel.dot(w, wOff + r * n, x, xOff, n);
            assertThat(y[yOff + r]).as("row %d", r).isEqualTo(want);
            double exact = bias[r];
            for (int j = 0; j < n; j++) {
                exact += (double) w[wOff + r * n + j] * x[xOff + j];
            }
            assertThat((double) y[yOff + r]).as("row %d against float64", r).isCloseTo(exact, within(1e-5 * n));
        }
        assertThat(y[yOff + rows]).as("past the last row").isEqualTo(42f);
        assertThat(y[0]).as("before the first").isZero();
    }
}
