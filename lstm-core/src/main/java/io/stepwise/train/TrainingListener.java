package io.stepwise.train;

import java.util.Map;

/**
 * What a trainer tells whoever watches it: a command line's progress bar, a loss-curve
 * collector, a log. Every method has an empty default, so a listener overrides what it needs.
 * Calls come from the training thread, in order.
 */
public interface TrainingListener {

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {
    };

    /**
     * Before the first batch. {@code epochs} is the planned number of epochs, or -1 when the run is
     * bounded by time instead.
     */
    default void trainingStarted(String what, int epochs) {
    }

    default void epochStarted(int epoch) {
    }

    /** After every optimizer step. */
    default void batchDone(Batch batch) {
    }

    /** After every epoch, with the metrics measured then (e.g. {@code dev_accuracy}); may be empty. */
    default void epochDone(Epoch epoch) {
    }

    default void trainingDone() {
    }

    /**
     * One optimizer step: its loss (the mean the gradient came from), how many examples it took,
     * the training throughput so far, and the fraction of the planned run that is done, 0 to 1.
     */
    record Batch(int epoch, long step, double loss, int examples, double examplesPerSecond, double progress) {
    }

    /** One epoch: the mean of its batch losses, the metrics measured after it, and the progress. */
    record Epoch(int epoch, double meanLoss, Map<String, Double> metrics, double progress) {
        public Epoch {
            metrics = Map.copyOf(metrics);
        }
    }

    /** Both listeners, in order. */
    default TrainingListener andThen(TrainingListener next) {
        TrainingListener first = this;
        return new TrainingListener() {
            @Override
            public void trainingStarted(String what, int epochs) {
                first.trainingStarted(what, epochs);
                next.trainingStarted(what, epochs);
            }

            @Override
            public void epochStarted(int epoch) {
                first.epochStarted(epoch);
                next.epochStarted(epoch);
            }

            @Override
            public void batchDone(Batch batch) {
                first.batchDone(batch);
                next.batchDone(batch);
            }

            @Override
            public void epochDone(Epoch epoch) {
                first.epochDone(epoch);
                next.epochDone(epoch);
            }

            @Override
            public void trainingDone() {
                first.trainingDone();
                next.trainingDone();
            }
        };
    }
}
