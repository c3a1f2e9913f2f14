package io.stepwise.bench;

import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.train.SumData;
import io.stepwise.train.SumSequence;
import io.stepwise.train.SumTrainer;
import io.stepwise.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One epoch of the notebook's configuration as Stepwise trains it: {@link SumTrainer} over the
 * notebook's n = 1000 sequences of length 2 (ints in [-100, 100)) in mini-batches of
 * {@code batch} (50 or 100 in the benchmark: 20 or 10 steps make the 1000 sequences), hidden 64,
 * Adam, a loss on every step's running sum, gradient clipping, one thread. {@code torch_bench.py}'s
 * batched loop does the same in PyTorch.
 *
 * <p>Each epoch is one {@link SumTrainer#train(SumModel, List, int, java.time.Duration, TrainingListener)}
 * call of one pass, continuing on the same model, so it also pays the trainer's set-up (optimizer
 * state, gradient workers) once per epoch.
 */
final class TrainerEpoch {

    static final int SEQUENCES = NotebookLoop.SEQUENCES;
    static final int LENGTH = NotebookLoop.LENGTH;
    static final int HIDDEN = NotebookLoop.HIDDEN;
    static final double LEARNING_RATE = 1e-3;
    static final double CLIP_NORM = 1.0;

    private final SumTrainer trainer;
    private final SumModel model;
    private final List<SumSequence> sequences = new ArrayList<>();

    TrainerEpoch(long seed, int batch) {
        SumTrainer.Settings options = SumTrainer.gradientRecipe().toBuilder()
                .seed(seed)
                .hiddenSize(HIDDEN).maxLength(LENGTH)
                .batchSize(batch)
                .threads(1)
                .weightKnee(LENGTH).minNumProb(1.0).clipNorm(CLIP_NORM)
                .learningRate(LEARNING_RATE).finalLearningRate(LEARNING_RATE)
                .build();
        trainer = new SumTrainer(options);
        model = trainer.newModel(new ModelMeta("sum", 1, Map.of()));
        SumData data = new SumData(seed + 1);
        for (int i = 0; i < SEQUENCES; i++) {
            sequences.add(SumSequence.runningSums(data.sequence(LENGTH, 1.0)));
        }
    }

    /** Trains one more epoch; returns its mean loss (scaled units). */
    double epoch() {
        return trainer.train(model, sequences, 1, null, TrainingListener.NONE).lastEpochLoss();
    }
}
