package io.stepwise.train;

import io.stepwise.lstm.LstmConfig;
import io.stepwise.lstm.LstmState;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.tensor.ParameterSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Trains the notebook's sum regressor, {@code LSTM(1, H) -> Linear(H, 1)} read after every
 * element, so that what the streaming job reads after each element is a running sum.
 *
 * <p>The default recipe builds the LSTM rather than descending to it, and fits the read-out:
 * layer 0 starts as {@link MultiScaleIntegrators} (constant gates, cell candidates with gains at
 * several scales, forget bias 20 so that f = 1 in float and no cell leaks), and the read-out is
 * the least-squares fit of the running sums on the states over drifting streams of 4,096 numbers,
 * run chunk by chunk. Measured on fresh streams: under 0.01% of the sum's spread at every length
 * from 2 to 4,096, against 0.4% up to 256 and 49% at 1,024 for the gradient-trained recipe. Why
 * no gradient steps: an integrator's cell candidate turns any error in its bias or recurrent
 * weights into a drift that grows with the stream's length, and Adam moves every weight by about
 * its learning rate per step whatever the gradient's size; from the fitted start (hidden 16), 100
 * steps at 1e-7 already cost 0.5% at 1,024, and at 3e-3 (hidden 64) everything.
 *
 * <p>{@link Options#gradientTrained()} is the earlier recipe: Adam on fresh sequences with the
 * loss on the running sum at every step. Inputs and targets scaled by 1/3000 keep cells in tanh's
 * linear range, the cell candidate starts without bias or recurrent input, the forget gate starts
 * almost fully open (bias 10), the output layer starts as the least-squares read-out, a quarter
 * of the training sequences drift to one side so that large sums are trained often, the longest
 * length grows from 8 to 256 over the first 30% of the run, and the learning rate decays
 * geometrically from 3e-3 to 3e-5. Streams longer than {@link Options#chunkLength()} train in
 * chunks that continue from the state the previous chunk ended with, as the streaming job does.
 */
public final class SumTrainer {

    /**
     * Settings of a sum-regressor training run.
     *
     * @param hiddenSize         LSTM hidden size H (default 64)
     * @param numLayers          LSTM layers (default 1)
     * @param maxLength          longest training stream, and of the read-out fit's streams (default 4096)
     * @param steps              Adam steps (default 0: the fitted read-out is all of the training); 0 also
     *                           when {@code minutes} bounds the run instead
     * @param minutes            wall-clock budget of Adam steps; 0 when {@code steps} bounds the run, or
     *                           when neither does. A timed run is not reproducible (how far it gets
     *                           depends on the machine)
     * @param batchSize          sequences per step (default 64)
     * @param learningRate       Adam's learning rate at the start (default 0.003)
     * @param finalLearningRate  the learning rate at the end (default 0.00003); it decays geometrically in between
     * @param clipNorm           largest global gradient norm, 0 for none (default 1)
     * @param seed               seeds the initial weights and the training data (default 1)
     * @param inputScale         the network sees value / inputScale (default 3000: inputs of at most 0.033
     *                           keep the cell candidates, and the cells, in tanh's linear range)
     * @param targetScale        the network predicts sum / targetScale (default 3000: a sum of 256
     *                           numbers is mostly within +-1)
     * @param forgetBias         added to the forget gate's bias at initialisation (default 20: f = 1 in
     *                           float, no leak; at 10 a cell keeps 1 - 4.5e-5 of its content per step,
     *                           which costs about 8% of the sum's spread at 4,096)
     * @param integratorInit     start the cell candidate (gate g) with zero bias and no recurrent input,
     *                           so that each cell starts as a leaky integrator of the input (default true)
     * @param startLength        longest sequence at the start of the curriculum (default 8)
     * @param curriculumShare    share of the run over which the longest length grows to maxLength (default 0.3)
     * @param shortShare         share of training streams whose length is drawn log-uniformly below the
     *                           current longest (default 0.25)
     * @param weightKnee         step t's loss weight is 1 up to this length and knee / t beyond (default 16)
     * @param minNumProb         each batch's num_prob is uniform in [minNumProb, 1] (default 1: every
     *                           position holds a number, as in the notebook's test)
     * @param threads            threads that share each batch (default 2, fixed rather than taken from
     *                           the machine, so that a seed gives the same model everywhere)
     * @param fitReadout         before the first step, set the output layer to the least-squares fit of
     *                           the running sums on the initial LSTM's states (default true)
     * @param driftShare         share of training sequences whose values drift to one side (see
     *                           {@link SumData#batch(int, int, double, double, int, float[], float[])}), so that
     *                           large sums, rare in plain sequences, are trained as often as they matter
     *                           (default 0.25)
     * @param maxDrift           largest drift of such a sequence (default 30: sums of 256 numbers up to
     *                           about +-4500, the test's 4-sigma tails with room)
     * @param chunkLength        streams longer than this train in chunks of it, each chunk starting from
     *                           the {@code (h, c)} the previous one ended with, as the streaming job
     *                           continues a stream (truncated backpropagation through time; default 256)
     * @param multiScale         start the (single) layer as exact integrators at several scales, with
     *                           constant gates ({@link MultiScaleIntegrators}); needs {@code integratorInit}
     *                           (default true)
     */
    public record Options(int hiddenSize, int numLayers, int maxLength, long steps, double minutes, int batchSize,
                          double learningRate, double finalLearningRate, double clipNorm, long seed,
                          float inputScale, float targetScale, float forgetBias, boolean integratorInit,
                          int startLength, double curriculumShare, double shortShare, int weightKnee, double minNumProb,
                          int threads, boolean fitReadout, double driftShare, int maxDrift, int chunkLength,
                          boolean multiScale) {

        public Options {
            if (hiddenSize < 1 || numLayers < 1) {
                throw new IllegalArgumentException("hidden size and layers must be >= 1");
            }
            if (maxLength < 2) {
                throw new IllegalArgumentException("max length must be >= 2, got " + maxLength);
            }
            if (steps > 0 && minutes > 0) {
                throw new IllegalArgumentException("give either a number of steps or minutes, not both");
            }
            if (steps < 0 || minutes < 0) {
                throw new IllegalArgumentException("steps and minutes must be positive");
            }
            if (steps == 0 && minutes == 0 && !fitReadout) {
                throw new IllegalArgumentException("a run without gradient steps must fit the read-out, or nothing is trained");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            if (!(learningRate > 0) || !(finalLearningRate > 0)) {
                throw new IllegalArgumentException("learning rates must be > 0");
            }
            if (startLength < 1) {
                throw new IllegalArgumentException("start length must be >= 1");
            }
            if (!(driftShare >= 0 && driftShare <= 1) || maxDrift < 0 || maxDrift >= SumData.HIGH - SumData.LOW) {
                throw new IllegalArgumentException("drift share must be in [0, 1] and max drift in [0, 200)");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            if (!(minNumProb > 0 && minNumProb <= 1)) {
                throw new IllegalArgumentException("min num_prob must be in (0, 1]");
            }
            if (chunkLength < 1) {
                throw new IllegalArgumentException("chunk length must be >= 1, got " + chunkLength);
            }
            if (multiScale && !integratorInit) {
                throw new IllegalArgumentException("multi-scale cells are integrators: multiScale needs integratorInit");
            }
            if (multiScale && numLayers != 1) {
                throw new IllegalArgumentException("multi-scale integrators are built for one layer, got " + numLayers);
            }
        }

        /**
         * The default recipe: 64 multi-scale integrator cells that never forget (forget bias 20:
         * f = 1 in float), and the read-out fitted by least squares on drifting streams of 4,096
         * numbers; no gradient steps (every Adam run measured from this start made it worse).
         */
        public static Options defaults() {
            return new Options(64, 1, DEFAULT_MAX_LENGTH, DEFAULT_STEPS, 0, DEFAULT_BATCH, DEFAULT_LEARNING_RATE, DEFAULT_LEARNING_RATE / 100,
                    1.0, 1, 3000f, 3000f, 20f, true, 8, 0.3, 0.25, 16, 1.0, 2, true, 0.25, 30, 256, true);
        }

        /**
         * The recipe before multi-scale integrators: PyTorch's random gates, forget bias 10, the
         * cell candidate as an integrator, 12,000 Adam steps on sequences of up to 256 numbers.
         * Accurate to 0.4% of the sum's spread up to 256, 8.6% at 512, 49% at 1,024.
         */
        public static Options gradientTrained() {
            return new Options(64, 1, 256, 12000, 0, DEFAULT_BATCH, DEFAULT_LEARNING_RATE, DEFAULT_LEARNING_RATE / 100,
                    1.0, 1, 3000f, 3000f, 10f, true, 8, 0.3, 0.25, 16, 1.0, 2, true, 0.25, 30, 256, false);
        }

        public Options withSeed(long s) {
            return new Options(hiddenSize, numLayers, maxLength, steps, minutes, batchSize, learningRate, finalLearningRate,
                    clipNorm, s, inputScale, targetScale, forgetBias, integratorInit, startLength, curriculumShare,
                    shortShare, weightKnee, minNumProb, threads, fitReadout, driftShare, maxDrift, chunkLength, multiScale);
        }

        public Options withSize(int hidden, int maxLen) {
            return new Options(hidden, numLayers, maxLen, steps, minutes, batchSize, learningRate, finalLearningRate,
                    clipNorm, seed, inputScale, targetScale, forgetBias, integratorInit, Math.min(startLength, maxLen),
                    curriculumShare, shortShare, weightKnee, minNumProb, threads, fitReadout, driftShare, maxDrift, chunkLength, multiScale);
        }

        /** A run of {@code n} steps. */
        public Options withSteps(long n) {
            return new Options(hiddenSize, numLayers, maxLength, n, 0, batchSize, learningRate, finalLearningRate,
                    clipNorm, seed, inputScale, targetScale, forgetBias, integratorInit, startLength, curriculumShare,
                    shortShare, weightKnee, minNumProb, threads, fitReadout, driftShare, maxDrift, chunkLength, multiScale);
        }

        /** A run of {@code m} minutes. */
        public Options withMinutes(double m) {
            return new Options(hiddenSize, numLayers, maxLength, 0, m, batchSize, learningRate, finalLearningRate,
                    clipNorm, seed, inputScale, targetScale, forgetBias, integratorInit, startLength, curriculumShare,
                    shortShare, weightKnee, minNumProb, threads, fitReadout, driftShare, maxDrift, chunkLength, multiScale);
        }

        public Options withThreads(int n) {
            return new Options(hiddenSize, numLayers, maxLength, steps, minutes, batchSize, learningRate, finalLearningRate,
                    clipNorm, seed, inputScale, targetScale, forgetBias, integratorInit, startLength, curriculumShare,
                    shortShare, weightKnee, minNumProb, n, fitReadout, driftShare, maxDrift, chunkLength, multiScale);
        }

        public Options withReadoutFit(boolean fit) {
            return new Options(hiddenSize, numLayers, maxLength, steps, minutes, batchSize, learningRate, finalLearningRate,
                    clipNorm, seed, inputScale, targetScale, forgetBias, integratorInit, startLength, curriculumShare,
                    shortShare, weightKnee, minNumProb, threads, fit, driftShare, maxDrift, chunkLength, multiScale);
        }

        public Options withDrift(double share, int max) {
            return new Options(hiddenSize, numLayers, maxLength, steps, minutes, batchSize, learningRate, finalLearningRate,
                    clipNorm, seed, inputScale, targetScale, forgetBias, integratorInit, startLength, curriculumShare,
                    shortShare, weightKnee, minNumProb, threads, fitReadout, share, max, chunkLength, multiScale);
        }

        public Options withBatchSize(int b) {
            return new Options(hiddenSize, numLayers, maxLength, steps, minutes, b, learningRate, finalLearningRate,
                    clipNorm, seed, inputScale, targetScale, forgetBias, integratorInit, startLength, curriculumShare,
                    shortShare, weightKnee, minNumProb, threads, fitReadout, driftShare, maxDrift, chunkLength, multiScale);
        }

        public Options withLearningRates(double start, double end) {
            return new Options(hiddenSize, numLayers, maxLength, steps, minutes, batchSize, start, end,
                    clipNorm, seed, inputScale, targetScale, forgetBias, integratorInit, startLength, curriculumShare,
                    shortShare, weightKnee, minNumProb, threads, fitReadout, driftShare, maxDrift, chunkLength, multiScale);
        }

        public Options withScales(float input, float target) {
            return new Options(hiddenSize, numLayers, maxLength, steps, minutes, batchSize, learningRate, finalLearningRate,
                    clipNorm, seed, input, target, forgetBias, integratorInit, startLength, curriculumShare,
                    shortShare, weightKnee, minNumProb, threads, fitReadout, driftShare, maxDrift, chunkLength, multiScale);
        }

        public Options withInit(float forget, boolean integrator) {
            return new Options(hiddenSize, numLayers, maxLength, steps, minutes, batchSize, learningRate, finalLearningRate,
                    clipNorm, seed, inputScale, targetScale, forget, integrator, startLength, curriculumShare,
                    shortShare, weightKnee, minNumProb, threads, fitReadout, driftShare, maxDrift, chunkLength, multiScale);
        }

        public Options withCurriculum(int start, double share, double shortSteps) {
            return new Options(hiddenSize, numLayers, maxLength, steps, minutes, batchSize, learningRate, finalLearningRate,
                    clipNorm, seed, inputScale, targetScale, forgetBias, integratorInit, start, share,
                    shortSteps, weightKnee, minNumProb, threads, fitReadout, driftShare, maxDrift, chunkLength, multiScale);
        }

        public Options withLoss(int knee, double numProb, double clip) {
            return new Options(hiddenSize, numLayers, maxLength, steps, minutes, batchSize, learningRate, finalLearningRate,
                    clip, seed, inputScale, targetScale, forgetBias, integratorInit, startLength, curriculumShare,
                    shortShare, knee, numProb, threads, fitReadout, driftShare, maxDrift, chunkLength, multiScale);
        }

        /** Streams longer than {@code chunk} train in chunks of it, each continuing from the state the last one ended with. */
        public Options withChunkLength(int chunk) {
            return new Options(hiddenSize, numLayers, maxLength, steps, minutes, batchSize, learningRate, finalLearningRate,
                    clipNorm, seed, inputScale, targetScale, forgetBias, integratorInit, startLength, curriculumShare,
                    shortShare, weightKnee, minNumProb, threads, fitReadout, driftShare, maxDrift, chunk, multiScale);
        }

        public Options withMultiScale(boolean on) {
            return new Options(hiddenSize, numLayers, maxLength, steps, minutes, batchSize, learningRate, finalLearningRate,
                    clipNorm, seed, inputScale, targetScale, forgetBias, integratorInit || on, startLength, curriculumShare,
                    shortShare, weightKnee, minNumProb, threads, fitReadout, driftShare, maxDrift, chunkLength, on);
        }

        public Map<String, Object> provenance() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("hidden_size", hiddenSize);
            m.put("num_layers", numLayers);
            m.put("max_length", maxLength);
            if (steps > 0) {
                m.put("steps", steps);
            } else {
                m.put("minutes", minutes);
            }
            m.put("batch_size", batchSize);
            m.put("optimizer", "adam");
            m.put("learning_rate", learningRate);
            m.put("final_learning_rate", finalLearningRate);
            m.put("clip_norm", clipNorm);
            m.put("seed", seed);
            m.put("input_scale", inputScale);
            m.put("target_scale", targetScale);
            m.put("forget_bias", forgetBias);
            m.put("integrator_init", integratorInit);
            m.put("start_length", startLength);
            m.put("curriculum_share", curriculumShare);
            m.put("short_share", shortShare);
            m.put("weight_knee", weightKnee);
            m.put("min_num_prob", minNumProb);
            m.put("threads", threads);
            m.put("fit_readout", fitReadout);
            m.put("drift_share", driftShare);
            m.put("max_drift", maxDrift);
            m.put("chunk_length", chunkLength);
            m.put("multi_scale", multiScale);
            return m;
        }
    }

    /** How a run went: the steps it took and the loss over its last epoch. */
    public record Result(SumModel model, long steps, double seconds, double lastEpochLoss) {
    }

    /** Longest training stream of the default run. */
    public static final int DEFAULT_MAX_LENGTH = 4096;
    /** Optimizer steps of the default run: none, the fitted read-out is the training. */
    public static final long DEFAULT_STEPS = 0;
    /** Sequences per step of the default run. */
    public static final int DEFAULT_BATCH = 64;
    /** Adam's starting learning rate in the default run. */
    public static final double DEFAULT_LEARNING_RATE = 3e-3;

    /** Steps per reported epoch. */
    public static final int STEPS_PER_EPOCH = 100;

    private final Options options;

    public SumTrainer(Options options) {
        this.options = options;
    }

    public Options options() {
        return options;
    }

    /** A model with this run's sizes and scales and its initialisation. */
    public SumModel newModel(ModelMeta meta) {
        SumModel model = new SumModel(meta, options.hiddenSize(), options.numLayers(), options.inputScale(), options.targetScale());
        model.initRandom(options.seed());
        initialise(model.parameters(), model.lstmConfig(), options.forgetBias(), options.integratorInit());
        if (options.multiScale()) {
            MultiScaleIntegrators.initialise(model.parameters(), model.lstmConfig(), options.forgetBias());
        }
        model.weightsChanged();
        return model;
    }

    /**
     * Adjusts PyTorch's default initialisation so that cells start out able to hold a sum: a
     * forget-gate bias near 1 lets a cell remember over hundreds of steps, and, with
     * {@code integrator}, a cell candidate without bias or recurrent input adds only the scaled
     * input, which a large input scale keeps in tanh's linear range.
     */
    static void initialise(ParameterSet params, LstmConfig cfg, float forgetBias, boolean integrator) {
        int h = cfg.hiddenSize();
        for (int l = 0; l < cfg.numLayers(); l++) {
            float[] bih = params.get(SumModel.LSTM + LstmConfig.biasIh(l)).data();
            float[] bhh = params.get(SumModel.LSTM + LstmConfig.biasHh(l)).data();
            for (int j = h; j < 2 * h; j++) {
                bih[j] += forgetBias / 2;
                bhh[j] += forgetBias / 2;
            }
            if (integrator) {
                float[] whh = params.get(SumModel.LSTM + LstmConfig.weightHh(l)).data();
                for (int j = 2 * h; j < 3 * h; j++) {
                    bih[j] = 0;
                    bhh[j] = 0;
                    java.util.Arrays.fill(whh, j * h, (j + 1) * h, 0f);
                }
            }
        }
    }

    /** Builds a model and trains it. */
    public Result train(ModelMeta meta, TrainingListener listener) {
        return train(newModel(meta), listener);
    }

    /** Trains {@code model} in place. */
    public Result train(SumModel model, TrainingListener listener) {
        Options o = options;
        SumData data = new SumData(new SplittableRandom(o.seed()).split().nextLong());
        Adam adam = new Adam(o.learningRate());
        float inScale = model.inputScale();
        float outScale = model.targetScale();
        long budgetNanos = (long) (o.minutes() * 60e9);
        int epochs = o.steps() > 0 ? (int) ((o.steps() + STEPS_PER_EPOCH - 1) / STEPS_PER_EPOCH) : o.minutes() > 0 ? -1 : 0;
        long began = System.nanoTime();
        if (o.fitReadout()) {
            fitReadout(model, new SumData(new SplittableRandom(o.seed()).split().split().nextLong()));
        }
        listener.trainingStarted("sum", epochs);
        long start = System.nanoTime();
        long step = 0;
        long sequences = 0;
        int epoch = 0;
        double epochLoss = 0;
        int epochSteps = 0;
        // a run without gradient steps is its initialisation and fitted read-out
        double progress = o.steps() == 0 && o.minutes() == 0 ? 1 : 0;
        double lastEpochLoss = Double.NaN;
        StreamChunks chunks = new StreamChunks(data, o.batchSize(), o.chunkLength(), o.driftShare(), o.maxDrift());
        StreamStates carried = new StreamStates(model.lstmConfig(), o.batchSize());
        try (Optimizer opt = new Optimizer(model.parameters(), adam); SumGradients gradients = new SumGradients(model, o.threads())) {
            if (progress < 1) {
                listener.epochStarted(0);
            }
            while (progress < 1) {
                int batch = o.batchSize();
                // drawn every step, used only when new streams start
                int newLength = length(progress, data);
                double numProb = o.minNumProb() + (1 - o.minNumProb()) * data.nextDouble();
                StreamChunks.Chunk chunk = chunks.next(newLength, numProb);
                if (chunk.startsStreams()) {
                    carried.zero();
                }
                int steps = chunk.steps();
                float[] values = chunk.values();
                float[] sums = chunk.sums();
                float[] weights = lossWeights(chunk.firstPosition(), steps, batch);
                scale(values, sums, inScale, outScale);
                double loss = gradients.compute(values, sums, weights, steps, batch, carried);
                if (o.clipNorm() > 0) {
                    model.parameters().clipGradNorm(o.clipNorm());
                }
                adam.setLearningRate(o.learningRate() * Math.pow(o.finalLearningRate() / o.learningRate(), progress));
                opt.step(epoch);
                step++;
                sequences += batch;
                long elapsed = System.nanoTime() - start;
                progress = o.steps() > 0 ? (double) step / o.steps() : (double) elapsed / budgetNanos;
                progress = Math.min(1, progress);
                epochLoss += loss;
                epochSteps++;
                listener.batchDone(new TrainingListener.Batch(epoch, step, loss, batch, sequences / (elapsed / 1e9), progress));
                if (epochSteps == STEPS_PER_EPOCH || progress >= 1) {
                    model.weightsChanged();
                    lastEpochLoss = epochLoss / epochSteps;
                    listener.epochDone(new TrainingListener.Epoch(epoch, lastEpochLoss,
                            Map.of("max_length", (double) currentMaxLength(progress)), progress));
                    epoch++;
                    epochLoss = 0;
                    epochSteps = 0;
                    if (progress < 1) {
                        listener.epochStarted(epoch);
                    }
                }
            }
        } finally {
            model.weightsChanged();
        }
        listener.trainingDone();
        // the read-out fit counts: in the default run it is all of the training
        return new Result(model, step, (System.nanoTime() - began) / 1e9, lastEpochLoss);
    }

    /**
     * Trains {@code model} in place on given sequences (values with their targets) instead of
     * generated ones: at most {@code epochs} passes, each in batches of {@code batchSize} sequences
     * of similar length (padding carries no loss weight) in an order seeded by {@code seed}, at the
     * constant {@code learningRate}, with this run's loss weighting, clipping and threads. When
     * {@code budget} is not null it stops after the step in which the budget ran out. The options'
     * {@code steps} and {@code minutes} bound only the runs on generated data.
     */
    public Result train(SumModel model, List<SumSequence> sequences, int epochs, java.time.Duration budget, TrainingListener listener) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("no training sequences");
        }
        Options o = options;
        int[] lengths = sequences.stream().mapToInt(SumSequence::length).toArray();
        SplittableRandom order = new SplittableRandom(o.seed()).split();
        float inScale = model.inputScale();
        float outScale = model.targetScale();
        listener.trainingStarted("sum", epochs);
        long start = System.nanoTime();
        long step = 0;
        long done = 0;
        double lastEpochLoss = Double.NaN;
        boolean outOfTime = false;
        try (Optimizer opt = new Optimizer(model.parameters(), new Adam(o.learningRate()));
             SumGradients gradients = new SumGradients(model, o.threads())) {
            for (int epoch = 0; epoch < epochs && !outOfTime; epoch++) {
                listener.epochStarted(epoch);
                List<int[]> batches = TaggerTrainer.batches(lengths, o.batchSize(), order);
                double lossSum = 0;
                int epochSteps = 0;
                for (int[] batch : batches) {
                    int b = batch.length;
                    int steps = 0;
                    for (int i : batch) {
                        steps = Math.max(steps, lengths[i]);
                    }
                    float[] x = new float[steps * b];
                    float[] y = new float[steps * b];
                    float[] w = new float[steps * b];
                    for (int j = 0; j < b; j++) {
                        SumSequence s = sequences.get(batch[j]);
                        for (int t = 0; t < s.length(); t++) {
                            x[t * b + j] = (float) (s.values()[t] / inScale);
                            y[t * b + j] = (float) (s.targets()[t] / outScale);
                            w[t * b + j] = lossWeight(t);
                        }
                    }
                    double loss = gradients.compute(x, y, w, steps, b);
                    if (o.clipNorm() > 0) {
                        model.parameters().clipGradNorm(o.clipNorm());
                    }
                    opt.step(epoch);
                    step++;
                    done += b;
                    lossSum += loss;
                    epochSteps++;
                    double seconds = (System.nanoTime() - start) / 1e9;
                    double progress = (epoch + (double) epochSteps / batches.size()) / epochs;
                    listener.batchDone(new TrainingListener.Batch(epoch, step, loss, b, seconds > 0 ? done / seconds : 0, progress));
                    if (budget != null && System.nanoTime() - start >= budget.toNanos()) {
                        outOfTime = true;
                        break;
                    }
                }
                model.weightsChanged();
                lastEpochLoss = lossSum / epochSteps;
                listener.epochDone(new TrainingListener.Epoch(epoch, lastEpochLoss, Map.of(), (epoch + 1.0) / epochs));
            }
        } finally {
            model.weightsChanged();
        }
        listener.trainingDone();
        return new Result(model, step, (System.nanoTime() - start) / 1e9, lastEpochLoss);
    }

    /** Every position's {@link #lossWeight} in a {@code [T][B]} batch. */
    float[] lossWeights(int steps, int batch) {
        return lossWeights(0, steps, batch);
    }

    /** The same for a chunk whose first step is position {@code first} of its streams. */
    float[] lossWeights(int first, int steps, int batch) {
        float[] weights = new float[steps * batch];
        for (int t = 0; t < steps; t++) {
            java.util.Arrays.fill(weights, t * batch, (t + 1) * batch, lossWeight(first + t));
        }
        return weights;
    }

    /** Step t's weight in the loss: 1 up to the knee, knee / t beyond, so long sums do not drown short ones. */
    private float lossWeight(int t) {
        int knee = options.weightKnee();
        return t + 1 <= knee ? 1f : (float) knee / (t + 1);
    }

    private static void scale(float[] values, float[] sums, float inScale, float outScale) {
        for (int i = 0; i < values.length; i++) {
            values[i] /= inScale;
            sums[i] /= outScale;
        }
    }

    /** Relative ridge of the read-out fit: enough to pick small weights among near-collinear cells. */
    static final double READOUT_RIDGE = 1e-3;

    /**
     * Fits the read-out on {@code 4 * batchSize} streams of the longest length. The streams run
     * through the model chunk by chunk on the inference path, each from where the last chunk left
     * it, so that their length costs no memory. For multi-scale cells, whose read-out is all the
     * training, they drift as the training streams do, so that the fit covers the totals the model
     * will meet; the gradient recipe keeps the plain sequences it always started from.
     */
    void fitReadout(SumModel model, SumData data) {
        Options o = options;
        int batch = 4 * o.batchSize();
        double drift = o.multiScale() ? o.driftShare() : 0;
        StreamChunks chunks = new StreamChunks(data, batch, o.chunkLength(), drift, o.maxDrift());
        LstmState[] states = new LstmState[batch];
        for (int b = 0; b < batch; b++) {
            states[b] = LstmState.zeros(model.lstmConfig());
        }
        ReadoutFit fit = new ReadoutFit(model.lstmConfig().hiddenSize());
        int done = 0;
        while (done < o.maxLength()) {
            StreamChunks.Chunk chunk = chunks.next(o.maxLength(), 1.0);
            float[] values = chunk.values();
            float[] sums = chunk.sums();
            scale(values, sums, model.inputScale(), model.targetScale());
            float[] out = model.packed().forwardSequence(values, chunk.steps(), batch, states);
            fit.add(out, sums, lossWeights(chunk.firstPosition(), chunk.steps(), batch), chunk.steps() * batch);
            done += chunk.steps();
        }
        fit.apply(model, o.multiScale() ? MultiScaleIntegrators.READOUT_RIDGE : READOUT_RIDGE);
    }

    /** The curriculum's longest length at this point of the run: geometric growth from startLength. */
    int currentMaxLength(double progress) {
        Options o = options;
        double f = o.curriculumShare() <= 0 ? 1 : Math.min(1, progress / o.curriculumShare());
        double len = o.startLength() * Math.pow((double) o.maxLength() / o.startLength(), f);
        return (int) Math.max(1, Math.min(o.maxLength(), Math.round(len)));
    }

    private int length(double progress, SumData data) {
        int max = currentMaxLength(progress);
        if (data.nextDouble() < options.shortShare() && max > 2) {
            // log-uniform in [2, max]: short sums get steps of their own, not only as prefixes
            return (int) Math.round(Math.exp(Math.log(2) + data.nextDouble() * (Math.log(max) - Math.log(2))));
        }
        return max;
    }
}
