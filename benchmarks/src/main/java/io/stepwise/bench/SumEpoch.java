package io.stepwise.bench;

import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.tensor.Gemm;
import io.stepwise.train.Optimizer;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.learning.config.Adam;

/**
 * One training epoch of the notebook's running-sum regressor, in its configuration: n = 1000
 * sequences of length 2, ints in [-100, 100), {@code LSTM(1, 64) -> Linear(64, 1)}, Adam.
 *
 * <p>Two ways, timed against their PyTorch counterparts in {@code torch_bench.py}:
 * {@link #batchedEpoch} is how Stepwise trains (mini-batches of {@link #BATCH}, a loss on every
 * step's running sum, gradient clipping); {@link #notebookEpoch} is the notebook's own loop, one
 * sequence and one optimizer step at a time, with the loss on the last step only.
 */
final class SumEpoch implements AutoCloseable {

    static final int SEQUENCES = 1000;
    static final int LENGTH = 2;
    static final int HIDDEN = 64;
    static final int BATCH = 32;
    static final double LEARNING_RATE = 1e-3;
    static final double CLIP_NORM = 1.0;
    /** Inputs and targets are divided by this so that the network sees values near [-1, 1]. */
    static final float SCALE = 100f;

    private final SumModel model;
    private final Optimizer optimizer;
    private final Gemm gemm = new Gemm();
    private final float[][] sequences; // raw ints, [SEQUENCES][LENGTH]
    private final int batchSize;
    private int epoch;

    SumEpoch(long seed) {
        this(seed, BATCH);
    }

    SumEpoch(long seed, int batchSize) {
        this.batchSize = batchSize;
        model = new SumModel(new ModelMeta("sum", 1, Map.of()), HIDDEN, 1, SCALE, SCALE).initRandom(seed);
        optimizer = new Optimizer(model.parameters(), new Adam(LEARNING_RATE));
        SplittableRandom rng = new SplittableRandom(seed + 1);
        sequences = new float[SEQUENCES][LENGTH];
        for (float[] s : sequences) {
            for (int t = 0; t < LENGTH; t++) {
                s[t] = rng.nextInt(-100, 100);
            }
        }
    }

    SumModel model() {
        return model;
    }

    /** One pass over all sequences in mini-batches; returns the mean loss (scaled units). */
    double batchedEpoch() {
        double total = 0;
        int batches = 0;
        for (int start = 0; start < SEQUENCES; start += batchSize) {
            int b = Math.min(batchSize, SEQUENCES - start);
            total += trainBatch(start, b, false);
            batches++;
        }
        endEpoch();
        return total / batches;
    }

    /** The notebook's loop: every sequence on its own, loss on its final sum; returns the mean loss. */
    double notebookEpoch() {
        double total = 0;
        for (int s = 0; s < SEQUENCES; s++) {
            total += trainBatch(s, 1, true);
        }
        endEpoch();
        return total / SEQUENCES;
    }

    private double trainBatch(int first, int batch, boolean lastStepOnly) {
        int n = LENGTH * batch;
        float[] x = new float[n];
        float[] target = new float[n];
        float[] weight = new float[n];
        for (int b = 0; b < batch; b++) {
            float[] seq = sequences[first + b];
            float sum = 0;
            for (int t = 0; t < LENGTH; t++) {
                sum += seq[t];
                int i = t * batch + b; // seq-first
                x[i] = seq[t] / SCALE;
                target[i] = sum / SCALE;
                weight[i] = lastStepOnly && t < LENGTH - 1 ? 0f : 1f;
            }
        }
        model.parameters().zeroGrad();
        SumModel.BatchPass pass = model.forward(x, LENGTH, batch, gemm);
        double loss = model.backward(pass, target, weight, gemm);
        if (!lastStepOnly) {
            model.parameters().clipGradNorm(CLIP_NORM);
        }
        optimizer.step(epoch);
        return loss;
    }

    private void endEpoch() {
        epoch++;
        model.weightsChanged();
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
