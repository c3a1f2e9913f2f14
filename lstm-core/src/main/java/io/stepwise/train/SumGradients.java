package io.stepwise.train;

import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.Nd4jRuntime;
import java.util.Map;

/**
 * The gradient of the sum regressor's weighted loss over one batch, computed by several threads at
 * once: each thread runs a copy of the model over its share of the batch's sequences, and the
 * shares' gradients are combined, in a fixed order, weighted by their share of the loss weights.
 * The result is the gradient of the whole batch (to float rounding), and the same inputs give
 * the same bits every time, whatever the threads' timing.
 */
final class SumGradients implements AutoCloseable {

    static {
        Nd4jRuntime.start();
    }

    private final SumModel model;
    private final SumModel[] replicas; // [0] is the model itself
    private final Gemm[] gemms;
    private final ShareThreads threads;

    SumGradients(SumModel model, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.model = model;
        this.replicas = new SumModel[threads];
        this.gemms = new Gemm[threads];
        replicas[0] = model;
        for (int k = 0; k < threads; k++) {
            if (k > 0) {
                replicas[k] = new SumModel(new ModelMeta("replica", 1, Map.of()), model.lstmConfig().hiddenSize(),
                        model.lstmConfig().numLayers(), model.inputScale(), model.targetScale());
            }
            gemms[k] = new Gemm();
        }
        this.threads = new ShareThreads(threads, "sum-gradients");
    }

    /**
     * Leaves in the model's gradients the gradient of the weighted MSE over the batch
     * {@code x, y, w} ({@code [T][B]}, scaled units) and returns that loss.
     */
    double compute(float[] x, float[] y, float[] w, int steps, int batch) {
        return compute(x, y, w, steps, batch, null);
    }

    /**
     * Like {@link #compute(float[], float[], float[], int, int)}, but each stream starts from the
     * state in {@code carried} (null: zeros), and {@code carried} then holds the state each stream
     * ended with, for the stream's next chunk. No gradient flows into the starting state.
     */
    double compute(float[] x, float[] y, float[] w, int steps, int batch, StreamStates carried) {
        if (carried != null && carried.batch() != batch) {
            throw new IllegalArgumentException("carried states of " + carried.batch() + " streams for a batch of " + batch);
        }
        int parts = Math.min(replicas.length, batch);
        if (parts == 1) {
            model.parameters().zeroGrad();
            double loss = pass(model, x, y, w, steps, batch, 0, carried, gemms[0]);
            if (carried != null) {
                carried.continued();
            }
            return loss;
        }
        double[] losses = new double[parts];
        double[] weightSums = new double[parts];
        for (int k = 1; k < parts; k++) {
            model.parameters().copyValuesTo(replicas[k].parameters());
        }
        threads.run(parts, k -> run(k, parts, x, y, w, steps, batch, carried, losses, weightSums));
        if (carried != null) {
            carried.continued();
        }
        double total = 0;
        for (double s : weightSums) {
            total += s;
        }
        if (total == 0) {
            return 0;
        }
        // each share's loss is normalised by its own weight sum; the batch's by the total
        double loss = 0;
        for (int k = 0; k < parts; k++) {
            loss += weightSums[k] / total * losses[k];
        }
        model.parameters().scaleGrads((float) (weightSums[0] / total));
        for (int k = 1; k < parts; k++) {
            replicas[k].parameters().addGradsTo(model.parameters(), (float) (weightSums[k] / total));
        }
        return loss;
    }

    private void run(int k, int parts, float[] x, float[] y, float[] w, int steps, int batch, StreamStates carried,
                     double[] losses, double[] weightSums) {
        int from = (int) ((long) batch * k / parts);
        int to = (int) ((long) batch * (k + 1) / parts);
        int b = to - from;
        float[] xs = new float[steps * b];
        float[] ys = new float[steps * b];
        float[] ws = new float[steps * b];
        double wsum = 0;
        for (int t = 0; t < steps; t++) {
            System.arraycopy(x, t * batch + from, xs, t * b, b);
            System.arraycopy(y, t * batch + from, ys, t * b, b);
            System.arraycopy(w, t * batch + from, ws, t * b, b);
        }
        for (float v : ws) {
            wsum += v;
        }
        SumModel m = replicas[k];
        m.parameters().zeroGrad();
        losses[k] = pass(m, xs, ys, ws, steps, b, from, carried, gemms[k]);
        weightSums[k] = wsum;
    }

    /** Forward and backward over streams {@code [from, from + b)}, from and back into their carried states. */
    private static double pass(SumModel m, float[] x, float[] y, float[] w, int steps, int b, int from,
                               StreamStates carried, Gemm gemm) {
        if (carried == null) {
            return m.backward(m.forward(x, steps, b, gemm), y, w, gemm);
        }
        SumModel.BatchPass p = carried.atStart() ? m.forward(x, steps, b, gemm)
                : m.forward(x, steps, b, carried.hidden(from, from + b), carried.cell(from, from + b), gemm);
        // each share writes only its own streams' slots
        carried.store(from, from + b, p.finalHidden(), p.finalCell());
        return m.backward(p, y, w, gemm);
    }

    @Override
    public void close() {
        for (Gemm g : gemms) {
            g.close();
        }
        threads.close();
    }
}
