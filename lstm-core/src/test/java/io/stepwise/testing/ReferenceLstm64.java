package io.stepwise.testing;

import java.util.Map;

/**
 * A plain float64 transcription of the equations in lstm-core/src/test/resources/fixtures/README.md: {@code nn.LSTM}
 * (gate order i, f, g, o, both biases, stacked layers, seq-first, optional h0/c0), {@code nn.Linear},
 * log-softmax, NLL and MSE. It shares no code with lstm-core on purpose: tests use it as a second,
 * independent computation (in double, loop by loop) to hold lstm-core's float32 results against.
 *
 * <p>Weights are flat row-major double arrays under PyTorch's names without a module prefix
 * ({@code weight_ih_l0} is {@code [4H][in]}, ...).
 */
public final class ReferenceLstm64 {

    private final int inputSize;
    private final int hiddenSize;
    private final int numLayers;
    private final Map<String, double[]> weights;

    public ReferenceLstm64(int inputSize, int hiddenSize, int numLayers, Map<String, double[]> weights) {
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.weights = weights;
        for (int l = 0; l < numLayers; l++) {
            int in = l == 0 ? inputSize : hiddenSize;
            expectLength("weight_ih_l" + l, 4 * hiddenSize * in);
            expectLength("weight_hh_l" + l, 4 * hiddenSize * hiddenSize);
            expectLength("bias_ih_l" + l, 4 * hiddenSize);
            expectLength("bias_hh_l" + l, 4 * hiddenSize);
        }
    }

    private void expectLength(String name, int length) {
        double[] w = weights.get(name);
        if (w == null || w.length != length) {
            throw new IllegalArgumentException(name + ": expected " + length + " values, got "
                    + (w == null ? "none" : w.length));
        }
    }

    /** {@code out[T][B][H]}, {@code h_n[L][B][H]}, {@code c_n[L][B][H]}. */
    public record Output(double[][][] out, double[][][] hN, double[][][] cN) {
    }

    /** Runs {@code x[T][B][input]}; {@code h0}, {@code c0} are {@code [L][B][H]} or null for zeros. */
    public Output forward(double[][][] x, double[][][] h0, double[][][] c0) {
        int steps = x.length;
        int batch = steps == 0 ? 0 : x[0].length;
        int hs = hiddenSize;
        double[][][] hN = new double[numLayers][batch][hs];
        double[][][] cN = new double[numLayers][batch][hs];
        double[][][] layerInput = x;
        for (int l = 0; l < numLayers; l++) {
            int in = l == 0 ? inputSize : hiddenSize;
            double[] wih = weights.get("weight_ih_l" + l);
            double[] whh = weights.get("weight_hh_l" + l);
            double[] bih = weights.get("bias_ih_l" + l);
            double[] bhh = weights.get("bias_hh_l" + l);
            double[][] h = new double[batch][hs];
            double[][] c = new double[batch][hs];
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < hs; j++) {
                    h[b][j] = h0 == null ? 0 : h0[l][b][j];
                    c[b][j] = c0 == null ? 0 : c0[l][b][j];
                }
            }
            double[][][] layerOutput = new double[steps][batch][hs];
            for (int t = 0; t < steps; t++) {
                double[][] hNew = new double[batch][hs];
                double[][] cNew = new double[batch][hs];
                for (int b = 0; b < batch; b++) {
                    double[] xt = layerInput[t][b];
                    double[] z = new double[4 * hs];
                    for (int r = 0; r < 4 * hs; r++) {
                        double s = bih[r] + bhh[r];
                        for (int q = 0; q < in; q++) {
                            s += wih[r * in + q] * xt[q];
                        }
                        for (int q = 0; q < hs; q++) {
                            s += whh[r * hs + q] * h[b][q];
                        }
                        z[r] = s;
                    }
                    for (int j = 0; j < hs; j++) {
                        double i = sigmoid(z[j]);
                        double f = sigmoid(z[hs + j]);
                        double g = Math.tanh(z[2 * hs + j]);
                        double o = sigmoid(z[3 * hs + j]);
                        cNew[b][j] = f * c[b][j] + i * g;
                        hNew[b][j] = o * Math.tanh(cNew[b][j]);
                    }
                    layerOutput[t][b] = hNew[b].clone();
                }
                h = hNew;
                c = cNew;
            }
            hN[l] = h;
            cN[l] = c;
            layerInput = layerOutput;
        }
        return new Output(layerInput, hN, cN);
    }

    private static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }

    /** {@code nn.Linear}: {@code y = W x + b} with {@code W} flat row-major {@code [out][in]}. */
    public static double[] linear(double[] w, double[] b, double[] x) {
        int out = b.length;
        int in = x.length;
        if (w.length != out * in) {
            throw new IllegalArgumentException("weight has " + w.length + " values, expected " + out + "x" + in);
        }
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = b[o];
            for (int q = 0; q < in; q++) {
                s += w[o * in + q] * x[q];
            }
            y[o] = s;
        }
        return y;
    }

    public static double[] logSoftmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        double lse = max + Math.log(sum);
        double[] out = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            out[j] = z[j] - lse;
        }
        return out;
    }

    /** {@code NLLLoss(mean)} over rows of log-probabilities, one target class per row. */
    public static double nllMean(double[][] logProbs, int[] targets) {
        double s = 0;
        for (int r = 0; r < targets.length; r++) {
            s -= logProbs[r][targets[r]];
        }
        return s / targets.length;
    }

    /** {@code sum w (p - y)^2 / sum w}; with all weights 1 this is {@code MSELoss(mean)}. */
    public static double weightedMse(double[] pred, double[] target, double[] weight) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < pred.length; i++) {
            double d = pred[i] - target[i];
            num += weight[i] * d * d;
            den += weight[i];
        }
        return num / den;
    }
}
