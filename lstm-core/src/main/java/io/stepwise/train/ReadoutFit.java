package io.stepwise.train;

import io.stepwise.model.SumModel;
import io.stepwise.tensor.Gemm;

/**
 * Sets the sum regressor's output layer to the weighted ridge-regression fit of the running sums on
 * the LSTM's hidden states, the LSTM as it is. At initialisation the cells are near-linear
 * integrators of small inputs, so their states already carry the sum; a fitted read-out uses them
 * as they are, instead of training growing every input gain until the cells leave tanh's linear
 * range.
 */
final class ReadoutFit {

    private final int hidden;
    /** The weighted normal equations of the states and a constant (for the bias): lower triangle of a, and rhs. */
    private final double[][] a;
    private final double[] rhs;
    private final double[] row;

    /** An empty fit for the states of an LSTM of hidden size {@code hidden}. */
    ReadoutFit(int hidden) {
        this.hidden = hidden;
        this.a = new double[hidden + 1][hidden + 1];
        this.rhs = new double[hidden + 1];
        this.row = new double[hidden + 1];
    }

    /**
     * Fits {@code linear.weight} and {@code linear.bias} on a batch of scaled inputs {@code x[T][B]},
     * scaled targets {@code y[T][B]} and loss weights {@code w[T][B]}. {@code ridge} is relative to
     * the mean weighted square of the states.
     */
    static void fit(SumModel model, float[] x, float[] y, float[] w, int steps, int batch, double ridge) {
        float[] out;
        try (Gemm gemm = new Gemm()) {
            out = model.lstm().forward(x, steps, batch, null, null, gemm).output();
        }
        ReadoutFit fit = new ReadoutFit(model.lstmConfig().hiddenSize());
        fit.add(out, y, w, steps * batch);
        fit.apply(model, ridge);
    }

    /**
     * Adds {@code n} rows: the top layer's states {@code out[n][H]}, their scaled targets
     * {@code y[n]} and weights {@code w[n]}. Rows can come in any number of calls (chunks of
     * long streams), the fit is the same.
     */
    void add(float[] out, float[] y, float[] w, int n) {
        int h = hidden;
        int d = h + 1;
        for (int r = 0; r < n; r++) {
            double wr = w[r];
            if (wr == 0) {
                continue;
            }
            for (int j = 0; j < h; j++) {
                row[j] = out[r * h + j];
            }
            row[h] = 1;
            for (int i = 0; i < d; i++) {
                double wi = wr * row[i];
                rhs[i] += wi * y[r];
                for (int j = 0; j <= i; j++) {
                    a[i][j] += wi * row[j];
                }
            }
        }
    }

    /** Sets the model's read-out to the ridge fit of the rows added so far. */
    void apply(SumModel model, double ridge) {
        int h = hidden;
        int d = h + 1;
        double[][] m = new double[d][d];
        double meanDiag = 0;
        for (int i = 0; i < h; i++) {
            meanDiag += a[i][i] / h;
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                m[i][j] = a[i][j];
                m[j][i] = a[i][j];
            }
        }
        for (int i = 0; i < h; i++) {
            m[i][i] += ridge * meanDiag;
        }
        double[] coef = solve(m, rhs.clone());
        float[] weight = model.linear().weight().data();
        for (int j = 0; j < h; j++) {
            weight[j] = (float) coef[j];
        }
        model.linear().bias().data()[0] = (float) coef[h];
        model.weightsChanged();
    }

    /** Gaussian elimination with partial pivoting; {@code a} and {@code b} are overwritten. */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tr = a[col];
            a[col] = a[pivot];
            a[pivot] = tr;
            double tb = b[col];
            b[col] = b[pivot];
            b[pivot] = tb;
            if (a[col][col] == 0) {
                throw new IllegalStateException("read-out fit is singular");
            }
            for (int r = col + 1; r < n; r++) {
                double f = a[r][col] / a[col][col];
                if (f != 0) {
                    for (int c = col; c < n; c++) {
                        a[r][c] -= f * a[col][c];
                    }
                    b[r] -= f * b[col];
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int c = r + 1; c < n; c++) {
                s -= a[r][c] * x[c];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }
}
