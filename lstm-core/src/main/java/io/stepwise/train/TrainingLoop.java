package io.stepwise.train;

import io.stepwise.model.Model;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The mini-batch loop every trainer runs, written once: epochs of batches, a gradient and an
 * optimizer step per batch, gradient clipping, the learning-rate schedule, a budget in steps or in
 * time, the listener's progress reports, and the packed weights refreshed after each epoch. A
 * trainer fills in the {@link Task}: where its batches come from, how a batch becomes a loss and
 * gradients, and what it measures after an epoch (the shape of Tribuo's {@code AbstractSGDTrainer}).
 *
 * <p>The loop adds no randomness of its own, so a task that seeds its data order gives the same
 * weights, bit for bit, on every run bounded by epochs or steps.
 */
public final class TrainingLoop {

    private TrainingLoop() {
    }

    /** What a trainer brings to the loop. */
    public interface Task<B> {

        /** What is trained, for the listener ("tagger", "sum"). */
        String what();

        /** The model whose parameters the loop updates. */
        Model model();

        /** The batches of epoch {@code epoch}, made up front or one at a time. */
        Epoch<B> epoch(int epoch);

        /** Leaves the gradient of {@code batch}'s loss in the parameters' gradients (replacing them) and returns the loss. */
        double lossAndGradients(B batch);

        /** How many examples (sentences, sequences) {@code batch} holds: the throughput the listener sees. */
        int examples(B batch);

        /** The weight of {@code batch}'s loss in its epoch's mean loss: its tokens, or 1 per batch. */
        default double lossWeight(B batch) {
            return 1;
        }

        /** Epochs the listener is told to expect when steps or time bound the run: -1 for unknown. */
        default int plannedEpochs() {
            return -1;
        }

        /** What is measured after an epoch, e.g. {@code dev_accuracy}; the packed weights are fresh then. */
        default Map<String, Double> afterEpoch(int epoch, double progress) {
            return Map.of();
        }
    }

    /** One epoch's batches. */
    public interface Epoch<B> {

        /** The next batch, or null when the epoch is over; {@code progress} is the run's so far (a curriculum may read it). */
        B next(double progress);

        /** How much of the epoch is done, 0 to 1, when the epoch is a known set of batches; NaN when batches are made on the fly. */
        double fractionDone();

        /** The batches of a list, the fraction done measured by their loss weights (tokens, for taggers). */
        static <B> Epoch<B> of(List<B> batches, Task<B> task) {
            double total = 0;
            for (B b : batches) {
                total += task.lossWeight(b);
            }
            double all = total;
            return new Epoch<>() {
                private int next;
                private double done;

                @Override
                public B next(double progress) {
                    if (next == batches.size()) {
                        return null;
                    }
                    B b = batches.get(next++);
                    done += task.lossWeight(b);
                    return b;
                }

                @Override
                public double fractionDone() {
                    return all > 0 ? done / all : (double) next / Math.max(1, batches.size());
                }
            };
        }

        /** {@code count} batches made one at a time by {@code make}, from the run's progress. */
        static <B> Epoch<B> generated(int count, java.util.function.DoubleFunction<B> make) {
            return new Epoch<>() {
                private int made;

                @Override
                public B next(double progress) {
                    if (made == count) {
                        return null;
                    }
                    made++;
                    return make.apply(progress);
                }

                @Override
                public double fractionDone() {
                    return Double.NaN;
                }
            };
        }
    }

    /**
     * How long a run goes and how it steps.
     *
     * @param epochs       passes over the data; -1 when {@code steps} or {@code time} alone bound the run
     * @param steps        optimizer steps; 0 for no bound in steps
     * @param time         wall-clock budget; null for none. The run stops after the step in which it
     *                     ran out (a job that trains between checkpoints must not hold them back for
     *                     long); a run bounded by time alone is not reproducible
     * @param updater      the ND4J updater (Adam, SGD) and its starting learning rate
     * @param learningRate the learning rate at each point of the run, from its progress (0 to 1)
     * @param clipNorm     largest global gradient norm, 0 for no clipping
     */
    public record Plan(int epochs, long steps, Duration time, IUpdater updater, DoubleUnaryOperator learningRate,
                       double clipNorm) {

        public Plan {
            if (epochs < 0 && steps <= 0 && time == null) {
                throw new IllegalArgumentException("a run needs a bound: epochs, steps or time");
            }
            if (clipNorm < 0) {
                throw new IllegalArgumentException("clip norm must be >= 0, got " + clipNorm);
            }
        }

        /** A constant learning rate, the updater's own. */
        public static DoubleUnaryOperator constant(double rate) {
            return progress -> rate;
        }

        /** A learning rate falling linearly from {@code start} to {@code end} over the run. */
        public static DoubleUnaryOperator linear(double start, double end) {
            return progress -> start + (end - start) * progress;
        }

        /** A learning rate decaying geometrically from {@code start} to {@code end} over the run. */
        public static DoubleUnaryOperator geometric(double start, double end) {
            return progress -> start * Math.pow(end / start, progress);
        }
    }

    /** How a run went: the steps it took, its time, and the mean loss and metrics of every epoch. */
    public record Outcome(long steps, double seconds, List<Double> epochLosses, List<Map<String, Double>> epochMetrics) {

        public double lastEpochLoss() {
            return epochLosses.isEmpty() ? Double.NaN : epochLosses.get(epochLosses.size() - 1);
        }
    }

    public static <B> Outcome run(Task<B> task, Plan plan, TrainingListener listener) {
        Model model = task.model();
        List<Double> losses = new ArrayList<>();
        List<Map<String, Double>> metrics = new ArrayList<>();
        listener.trainingStarted(task.what(), plan.epochs() >= 0 ? plan.epochs() : task.plannedEpochs());
        long start = System.nanoTime();
        long step = 0;
        long examples = 0;
        double progress = 0;
        boolean over = false;
        try (Optimizer opt = new Optimizer(model.parameters(), plan.updater())) {
            for (int epoch = 0; !over && (plan.epochs() < 0 || epoch < plan.epochs()); epoch++) {
                listener.epochStarted(epoch);
                Epoch<B> batches = task.epoch(epoch);
                double lossSum = 0;
                double weightSum = 0;
                int batchesDone = 0;
                for (B batch = batches.next(progress); batch != null; batch = batches.next(progress)) {
                    double loss = task.lossAndGradients(batch);
                    if (plan.clipNorm() > 0) {
                        model.parameters().clipGradNorm(plan.clipNorm());
                    }
                    plan.updater().setLrAndSchedule(plan.learningRate().applyAsDouble(progress), null);
                    opt.step(epoch);
                    step++;
                    batchesDone++;
                    examples += task.examples(batch);
                    double weight = task.lossWeight(batch);
                    lossSum += loss * weight;
                    weightSum += weight;
                    long elapsed = System.nanoTime() - start;
                    progress = progress(plan, epoch, batches.fractionDone(), step, elapsed);
                    listener.batchDone(new TrainingListener.Batch(epoch, step, loss, task.examples(batch),
                            elapsed > 0 ? examples / (elapsed / 1e9) : 0, progress));
                    if (progress >= 1 || (plan.time() != null && elapsed >= plan.time().toNanos())) {
                        over = true;
                        break;
                    }
                }
                if (batchesDone == 0) {
                    break;
                }
                model.weightsChanged();
                double meanLoss = lossSum / Math.max(Double.MIN_VALUE, weightSum);
                losses.add(meanLoss);
                Map<String, Double> m = task.afterEpoch(epoch, progress);
                metrics.add(m);
                double epochProgress = plan.epochs() > 0 ? Math.max(progress, (epoch + 1.0) / plan.epochs()) : progress;
                listener.epochDone(new TrainingListener.Epoch(epoch, meanLoss, m, Math.min(1, epochProgress)));
            }
        } finally {
            model.weightsChanged();
        }
        listener.trainingDone();
        return new Outcome(step, (System.nanoTime() - start) / 1e9, List.copyOf(losses), List.copyOf(metrics));
    }

    /** The share of the run done: by steps or time where those bound it, else by epochs. */
    private static double progress(Plan plan, int epoch, double fractionOfEpoch, long step, long elapsedNanos) {
        double p;
        if (plan.steps() > 0) {
            p = (double) step / plan.steps();
        } else if (plan.epochs() < 0) {
            p = (double) elapsedNanos / plan.time().toNanos();
        } else {
            double within = Double.isNaN(fractionOfEpoch) ? 1 : fractionOfEpoch;
            p = (epoch + within) / plan.epochs();
        }
        return Math.min(1, p);
    }
}
