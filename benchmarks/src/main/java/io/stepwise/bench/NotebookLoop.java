package io.stepwise.bench;

import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.tensor.Gemm;
import io.stepwise.train.Optimizer;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The notebook's own training loop on Stepwise's model: one sequence, one loss on its final sum
 * and one Adam step at a time, over n = 1000 sequences of length 2 (ints in [-100, 100)),
 * {@code LSTM(1, 64) -> Linear(64, 1)}. It shows what batching buys on our side, next to
 * {@code torch_bench.py}'s same loop in PyTorch; Stepwise itself trains batched
 * ({@link TrainerEpoch}).
 */
final class NotebookLoop implements AutoCloseable {

    static final int SEQUENCES = 1000;
    static final int LENGTH = 2;
    static final int HIDDEN = 64;
    static final double LEARNING_RATE = 1e-3;
    /** Inputs and targets are divided by this so that the network sees values near [-1, 1]. */
    static final float SCALE = 100f;

    private final SumModel model;
    private final Optimizer optimizer;
    private final Gemm gemm = new Gemm();
    private final float[][] sequences; // raw ints, [SEQUENCES][LENGTH]
    private int epoch;

    NotebookLoop(long seed) {
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

    /** One pass over all sequences; returns the mean loss (scaled units). */
    double epoch() {
        float[] x = new float[LENGTH];
        float[] target = new float[LENGTH];
        float[] weight = new float[LENGTH];
        weight[LENGTH - 1] = 1f; // the notebook's loss is on out[-1] only
        double total = 0;
        for (float[] seq : sequences) {
            float sum = 0;
            for (int t = 0; t < LENGTH; t++) {
                sum += seq[t];
                x[t] = seq[t] / SCALE;
                target[t] = sum / SCALE;
            }
            model.parameters().zeroGrad();
            SumModel.BatchPass pass = model.forward(x, LENGTH, 1, gemm);
            total += model.backward(pass, target, weight, gemm);
            optimizer.step(epoch);
        }
        epoch++;
        model.weightsChanged();
        return total / SEQUENCES;
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
