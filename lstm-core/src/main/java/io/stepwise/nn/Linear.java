package io.stepwise.nn;

import io.stepwise.lstm.StepKernel;
import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.ParameterSet;
import io.stepwise.tensor.Tensor;
import java.util.SplittableRandom;

/** {@code nn.Linear}: {@code y = x W^T + b}, {@code W} of shape {@code [out, in]}. */
public final class Linear {

    private final int in;
    private final int out;
    private final ParameterSet.Parameter weight;
    private final ParameterSet.Parameter bias;

    public Linear(ParameterSet set, String prefix, int in, int out) {
        this.in = in;
        this.out = out;
        set.add(prefix + "weight", out, in);
        set.add(prefix + "bias", out);
        this.weight = set.get(prefix + "weight");
        this.bias = set.get(prefix + "bias");
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    /** PyTorch's default (Kaiming-uniform with a=sqrt(5)): U(-1/sqrt(in), 1/sqrt(in)) for W and b. */
    public void initDefault(ParameterSet set, SplittableRandom rng) {
        float bound = (float) (1.0 / Math.sqrt(in));
        set.initUniform(weight.name(), bound, rng);
        set.initUniform(bias.name(), bound, rng);
    }

    public Tensor weight() {
        return weight.value();
    }

    public Tensor bias() {
        return bias.value();
    }

    /** {@code y[n][out] = x[n][in] W^T + b}. */
    public float[] forward(float[] x, int n, Gemm gemm) {
        float[] y = new float[n * out];
        for (int r = 0; r < n; r++) {
            System.arraycopy(bias.data(), 0, y, r * out, out);
        }
        gemm.gemm(false, true, n, out, in, x, weight.data(), 1f, y);
        return y;
    }

    /** One row, for the streaming path: {@code y[0..out) = x[xOff..xOff+in) W^T + b}. */
    public void forwardRow(float[] x, int xOff, float[] y) {
        StepKernel.rowDots(weight.data(), 0, out, in, x, xOff, bias.data(), y, 0);
    }

    /** Adds the gradients of W and b and returns {@code dx[n][in]}. */
    public float[] backward(float[] x, float[] dy, int n, Gemm gemm) {
        gemm.gemm(true, false, out, in, n, dy, 0, x, 0, 1f, weight.gradData(), 0);
        float[] db = bias.gradData();
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                db[o] += dy[r * out + o];
            }
        }
        float[] dx = new float[n * in];
        gemm.gemm(false, false, n, in, out, dy, 0, weight.data(), 0, 0f, dx, 0);
        return dx;
    }
}
