package io.stepwise.nn;

/**
 * Log-softmax with the negative log-likelihood loss, and the mean squared error: the losses of the
 * tutorial's two models, each returning the loss and writing the gradient of its input.
 */
public final class Losses {

    private Losses() {
    }

    /** Row-wise {@code log_softmax} of {@code x[n][k]} into {@code out} (may be {@code x}). */
    public static void logSoftmax(float[] x, int n, int k, float[] out) {
        for (int r = 0; r < n; r++) {
            logSoftmaxRow(x, r * k, k, out, r * k);
        }
    }

    public static void logSoftmaxRow(float[] x, int off, int k, float[] out, int outOff) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, x[off + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += Math.exp(x[off + j] - max);
        }
        float lse = (float) (max + Math.log(sum));
        for (int j = 0; j < k; j++) {
            out[outOff + j] = x[off + j] - lse;
        }
    }

    /**
     * {@code NLLLoss(mean)} of log-probabilities {@code logp[n][k]} against {@code target[n]}; rows
     * whose target is negative are padding and ignored (PyTorch's {@code ignore_index}). Writes into
     * {@code dLogits} the gradient with respect to the logits that {@code logp} came from.
     */
    public static double nllFromLogSoftmax(float[] logp, int n, int k, int[] target, float[] dLogits) {
        int count = 0;
        for (int r = 0; r < n; r++) {
            if (target[r] >= 0) {
                count++;
            }
        }
        return nllFromLogSoftmax(logp, n, k, target, dLogits, count);
    }

    /**
     * Like {@link #nllFromLogSoftmax(float[], int, int, int[], float[])}, but the sum is divided by
     * {@code count}, the positions that count in a larger batch this is a share of: the shares'
     * losses and gradients then add up to the whole batch's.
     */
    public static double nllFromLogSoftmax(float[] logp, int n, int k, int[] target, float[] dLogits, int count) {
        double loss = 0;
        float inv = count == 0 ? 0f : 1f / count;
        for (int r = 0; r < n; r++) {
            int t = target[r];
            for (int j = 0; j < k; j++) {
                dLogits[r * k + j] = t < 0 ? 0f : (float) Math.exp(logp[r * k + j]) * inv;
            }
            if (t >= 0) {
                if (t >= k) {
                    throw new IllegalArgumentException("target class " + t + " outside [0, " + k + ")");
                }
                loss -= logp[r * k + t];
                dLogits[r * k + t] -= inv;
            }
        }
        return count == 0 ? 0 : loss / count;
    }

    /**
     * Weighted mean squared error {@code sum w (p - y)^2 / sum w}; with unit weights on the positions
     * that count this is {@code MSELoss(mean)}. Writes the gradient with respect to {@code pred}.
     */
    public static double mse(float[] pred, float[] target, float[] weight, int n, float[] dPred) {
        double wsum = 0;
        for (int i = 0; i < n; i++) {
            wsum += weight[i];
        }
        if (wsum == 0) {
            java.util.Arrays.fill(dPred, 0, n, 0f);
            return 0;
        }
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) pred[i] - target[i];
            loss += weight[i] * d * d;
            dPred[i] = (float) (2 * weight[i] * d / wsum);
        }
        return loss / wsum;
    }
}
