package io.stepwise.train;

import io.stepwise.lstm.LstmConfig;
import io.stepwise.lstm.LstmState;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.Provenance;
import io.stepwise.model.SumModel;
import io.stepwise.tensor.ParameterSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Trains the notebook's sum regressor, {@code LSTM(1, H) -> Linear(H, 1)} read after every
 * element, so that what the streaming job reads after each element is a running sum. Two recipes
 * ({@link Recipe}); docs/research/sum.md has every run behind them.
 *
 * <p>The default, {@link Recipe#FITTED}, builds the LSTM rather than descending to it, and fits
 * the read-out: layer 0 is {@link MultiScaleIntegrators} (constant gates, cell candidates with
 * gains at several scales, forget bias 20 so that f = 1 in float and no cell leaks), and the
 * read-out is the least-squares fit of the running sums on the states over drifting streams of
 * 4,096 numbers, run chunk by chunk. Measured on fresh streams: under 0.01% of the sum's spread at
 * every length from 2 to 4,096, against 0.4% up to 256 and 49% at 1,024 for the gradient recipe.
 * Why no gradient steps: an integrator's cell candidate turns any error in its bias or recurrent
 * weights into a drift that grows with the stream's length, and Adam moves every weight by about
 * its learning rate per step whatever the gradient's size; from the fitted start (hidden 16), 100
 * steps at 1e-7 already cost 0.5% at 1,024, and at 3e-3 (hidden 64) everything. Such a model is
 * trained further on given sequences by refitting its read-out ({@link #refitReadout}), not by Adam.
 *
 * <p>{@link Recipe#GRADIENT} ({@link #gradientRecipe()}) is the earlier recipe: Adam on fresh
 * sequences with the loss on the running sum at every step. Inputs and targets scaled by 1/3000
 * keep cells in tanh's linear range, the cell candidate starts without bias or recurrent input,
 * the forget gate starts almost fully open (bias 10), the output layer starts as the least-squares
 * read-out, a quarter of the training sequences drift to one side so that large sums are trained
 * often, the longest length grows from 8 to 256 over the first 30% of the run, and the learning
 * rate decays geometrically from 3e-3 to 3e-5. Streams longer than {@code chunkLength} train in
 * chunks that continue from the state the previous chunk ended with, as the streaming job does.
 */
public final class SumTrainer {

    /** How the weights are found. */
    public enum Recipe {
        /**
         * Multi-scale integrator cells built, not trained, and the read-out fitted by least squares;
         * no gradient steps. One layer only.
         */
        FITTED,
        /** PyTorch's initialisation adjusted to integrate, then Adam steps (a number of them, or minutes). */
        GRADIENT;

        /**
         * The recipe a model's weights show: {@link #FITTED} for one layer of multi-scale integrator
         * cells (constant gates, no recurrent weights; only the read-out was fitted), whichever
         * file or run it came from, and {@link #GRADIENT} for any other sum model.
         */
        public static Recipe of(SumModel model) {
            return MultiScaleIntegrators.holds(model) ? FITTED : GRADIENT;
        }
    }

    /**
     * Settings of a sum-regressor training run; build them with {@link #builder()}, which holds the
     * defaults (the fitted recipe), or from {@link SumTrainer#gradientRecipe()}.
     *
     * @param recipe             how the weights are found (default {@link Recipe#FITTED}); the gradient
     *                           recipe's settings are {@link SumTrainer#gradientRecipe()}
     * @param hiddenSize         LSTM hidden size H (default 64)
     * @param numLayers          LSTM layers (default 1; the fitted recipe builds one)
     * @param maxLength          longest training stream, and of the read-out fit's streams (default 4096;
     *                           256 in the gradient recipe)
     * @param steps              Adam steps: 0 in the fitted recipe, which takes none; in the gradient
     *                           recipe 12000 by default, or 0 when {@code minutes} bounds the run instead
     * @param minutes            wall-clock budget of Adam steps; 0 when {@code steps} bounds the run (and
     *                           in the fitted recipe). A timed run is not reproducible (how far it gets
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
     *                           float, no leak; the gradient recipe's 10 keeps 1 - 4.5e-5 of a cell's
     *                           content per step, enough over 256 steps and 8% of the sum's spread short at 4,096)
     * @param integratorInit     gradient recipe: start the cell candidate (gate g) with zero bias and no
     *                           recurrent input, so that each cell starts as a leaky integrator of the
     *                           input (default true; the fitted recipe's cells are integrators anyway)
     * @param startLength        longest sequence at the start of the curriculum (default 8)
     * @param curriculumShare    share of the run over which the longest length grows to maxLength (default 0.3)
     * @param shortShare         share of steps whose length is drawn log-uniformly below the current
     *                           longest (default 0.25)
     * @param weightKnee         step t's loss weight is 1 up to this length and knee / t beyond (default 16)
     * @param minNumProb         each batch's num_prob is uniform in [minNumProb, 1] (default 1: every
     *                           position holds a number, as in the notebook's test)
     * @param threads            threads that share each batch (default 2, fixed rather than taken from
     *                           the machine, so that a seed gives the same model everywhere)
     * @param fitReadout         before the first step, set the output layer to the least-squares fit of
     *                           the running sums on the initial LSTM's states (default true; the fitted
     *                           recipe needs it, the fit is all its training)
     * @param driftShare         share of training sequences whose values drift to one side (see
     *                           {@link SumData#batch(int, int, double, double, int, float[], float[])}), so that
     *                           large sums, rare in plain sequences, are trained as often as they matter
     *                           (default 0.25)
     * @param maxDrift           largest drift of such a sequence (default 30: sums of 256 numbers up to
     *                           about +-4500, the test's 4-sigma tails with room; drifting streams of
     *                           4,096 reach about +-60,000)
     * @param chunkLength        streams longer than this run in chunks of it, each chunk starting from
     *                           the {@code (h, c)} the previous one ended with, as the streaming job
     *                           continues a stream (truncated backpropagation through time in the
     *                           gradient recipe; default 256)
     */
    public record Settings(Recipe recipe, int hiddenSize, int numLayers, int maxLength, long steps, double minutes, int batchSize, double learningRate, double finalLearningRate, double clipNorm, long seed, float inputScale, float targetScale, float forgetBias, boolean integratorInit, int startLength, double curriculumShare, double shortShare, int weightKnee, double minNumProb, int threads, boolean fitReadout, double driftShare, int maxDrift, int chunkLength) {

        public Settings {
            if (hiddenSize < 1 || numLayers < 1) {
                throw new IllegalArgumentException("hidden size and layers must be >= 1");
            }
            if (maxLength < 2) {
                throw new IllegalArgumentException("max length must be >= 2, got " + maxLength);
            }
            if (recipe == null) {
                throw new IllegalArgumentException("a recipe is needed: fitted or gradient");
            }
            if (steps < 0 || minutes < 0) {
                throw new IllegalArgumentException("steps and minutes must be positive");
            }
            if (recipe == Recipe.FITTED) {
                if (steps > 0 || minutes > 0) {
                    throw new IllegalArgumentException("the fitted recipe takes no gradient steps (they make it worse); "
                            + "steps and minutes are for the gradient recipe");
                }
                if (!fitReadout) {
                    throw new IllegalArgumentException("the fitted recipe's training is its read-out fit: fitReadout must be on");
                }
                if (numLayers != 1) {
                    throw new IllegalArgumentException("the fitted recipe builds one layer of integrators, got " + numLayers + " layers");
                }
            } else if ((steps > 0) == (minutes > 0)) {
                throw new IllegalArgumentException("give either a number of steps or minutes, not both");
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
        }

        public static Builder builder() {
            return new Builder();
        }

        public static Settings defaults() {
            return builder().build();
        }

        /** A builder holding these settings, to change some of them. */
        public Builder toBuilder() {
            return new Builder().recipe(recipe).hiddenSize(hiddenSize).numLayers(numLayers).maxLength(maxLength).steps(steps).minutes(minutes).batchSize(batchSize).learningRate(learningRate).finalLearningRate(finalLearningRate).clipNorm(clipNorm).seed(seed).inputScale(inputScale).targetScale(targetScale).forgetBias(forgetBias).integratorInit(integratorInit).startLength(startLength).curriculumShare(curriculumShare).shortShare(shortShare).weightKnee(weightKnee).minNumProb(minNumProb).threads(threads).fitReadout(fitReadout).driftShare(driftShare).maxDrift(maxDrift).chunkLength(chunkLength);
        }

        /** The settings as provenance entries of the trained model. */
        public Map<String, Object> provenance() {
            return Provenance.of(this);
        }
    }

    /** Builds {@link Settings}; every field starts at its default. */
    public static final class Builder {
        private Recipe recipe = Recipe.FITTED;
        private int hiddenSize = 64;
        private int numLayers = 1;
        private int maxLength = DEFAULT_MAX_LENGTH;
        private long steps = 0;
        private double minutes = 0;
        private int batchSize = DEFAULT_BATCH;
        private double learningRate = DEFAULT_LEARNING_RATE;
        private double finalLearningRate = DEFAULT_LEARNING_RATE / 100;
        private double clipNorm = 1.0;
        private long seed = 1;
        private float inputScale = 3000f;
        private float targetScale = 3000f;
        private float forgetBias = 20f;
        private boolean integratorInit = true;
        private int startLength = 8;
        private double curriculumShare = 0.3;
        private double shortShare = 0.25;
        private int weightKnee = 16;
        private double minNumProb = 1.0;
        private int threads = 2;
        private boolean fitReadout = true;
        private double driftShare = 0.25;
        private int maxDrift = 30;
        private int chunkLength = 256;

        /** The recipe; the others keep their values (start from {@link SumTrainer#gradientRecipe()} for that recipe's). */
        public Builder recipe(Recipe v) {
            recipe = v;
            return this;
        }

        public Builder hiddenSize(int v) {
            hiddenSize = v;
            return this;
        }

        public Builder numLayers(int v) {
            numLayers = v;
            return this;
        }

        public Builder maxLength(int v) {
            maxLength = v;
            return this;
        }

        /** A run of {@code n} optimizer steps (and not of some minutes). */
        public Builder steps(long n) {
            steps = n;
            if (n > 0) {
                minutes = 0;
            }
            return this;
        }

        /** A run of {@code m} minutes (and not of some steps); not reproducible. */
        public Builder minutes(double m) {
            minutes = m;
            if (m > 0) {
                steps = 0;
            }
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder finalLearningRate(double v) {
            finalLearningRate = v;
            return this;
        }

        public Builder clipNorm(double v) {
            clipNorm = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder inputScale(float v) {
            inputScale = v;
            return this;
        }

        public Builder targetScale(float v) {
            targetScale = v;
            return this;
        }

        public Builder forgetBias(float v) {
            forgetBias = v;
            return this;
        }

        public Builder integratorInit(boolean v) {
            integratorInit = v;
            return this;
        }

        public Builder startLength(int v) {
            startLength = v;
            return this;
        }

        public Builder curriculumShare(double v) {
            curriculumShare = v;
            return this;
        }

        public Builder shortShare(double v) {
            shortShare = v;
            return this;
        }

        public Builder weightKnee(int v) {
            weightKnee = v;
            return this;
        }

        public Builder minNumProb(double v) {
            minNumProb = v;
            return this;
        }

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public Builder fitReadout(boolean v) {
            fitReadout = v;
            return this;
        }

        public Builder driftShare(double v) {
            driftShare = v;
            return this;
        }

        public Builder maxDrift(int v) {
            maxDrift = v;
            return this;
        }

        /** Streams longer than {@code v} run in chunks of it, each continuing from the state the last one ended with. */
        public Builder chunkLength(int v) {
            chunkLength = v;
            return this;
        }

        public Settings build() {
            // a curriculum cannot start above the longest length
            return new Settings(recipe, hiddenSize, numLayers, maxLength, steps, minutes, batchSize, learningRate, finalLearningRate,
                    clipNorm, seed, inputScale, targetScale, forgetBias, integratorInit, Math.min(startLength, maxLength), curriculumShare, shortShare, weightKnee, minNumProb, threads, fitReadout, driftShare, maxDrift, chunkLength);
        }
    }

    /**
     * The gradient recipe, as the default was before the fitted one: PyTorch's random gates, forget
     * bias 10, the cell candidate as an integrator, 12,000 Adam steps on sequences of up to 256
     * numbers. Accurate to 0.4% of the sum's spread up to 256, 8.6% at 512, 49% at 1,024.
     */
    public static Settings gradientRecipe() {
        return Settings.builder().recipe(Recipe.GRADIENT).maxLength(256).steps(DEFAULT_GRADIENT_STEPS).forgetBias(10f).build();
    }

    /** How a run went: the steps it took and the loss over its last epoch. */
    public record Result(SumModel model, long steps, double seconds, double lastEpochLoss) {
    }

    /** Longest training stream of the default (fitted) run. */
    public static final int DEFAULT_MAX_LENGTH = 4096;
    /** Adam steps of the gradient recipe's run (the fitted recipe takes none). */
    public static final long DEFAULT_GRADIENT_STEPS = 12000;
    /** Sequences per step of the default run. */
    public static final int DEFAULT_BATCH = 64;
    /** Adam's starting learning rate in the default run. */
    public static final double DEFAULT_LEARNING_RATE = 3e-3;

    /** Steps per reported epoch. */
    public static final int STEPS_PER_EPOCH = 100;

    private final Settings settings;

    public SumTrainer(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** A model with this run's sizes and scales and its initialisation. */
    public SumModel newModel(ModelMeta meta) {
        SumModel model = new SumModel(meta, settings.hiddenSize(), settings.numLayers(), settings.inputScale(), settings.targetScale());
        model.initRandom(settings.seed());
        initialise(model.parameters(), model.lstmConfig(), settings.forgetBias(), settings.integratorInit());
        if (settings.recipe() == Recipe.FITTED) {
            MultiScaleIntegrators.initialise(model.parameters(), model.lstmConfig(), settings.forgetBias());
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

    /**
     * Trains {@code model} in place on fresh generated streams: the fitted recipe fits the read-out
     * and stops there; the gradient recipe fits it (with {@code fitReadout}), then takes the
     * configured steps or minutes of Adam. The result's seconds include the read-out fit.
     */
    public Result train(SumModel model, TrainingListener listener) {
        Settings o = settings;
        long began = System.nanoTime();
        SumData data = new SumData(new SplittableRandom(o.seed()).split().nextLong());
        if (o.fitReadout()) {
            fitReadout(model, new SumData(new SplittableRandom(o.seed()).split().split().nextLong()));
        }
        if (o.recipe() == Recipe.FITTED) {
            // the read-out fit is all of the training
            listener.trainingStarted("sum", 0);
            listener.trainingDone();
            return new Result(model, 0, (System.nanoTime() - began) / 1e9, Double.NaN);
        }
        StreamChunks chunks = new StreamChunks(data, o.batchSize(), o.chunkLength(), o.driftShare(), o.maxDrift());
        StreamStates carried = new StreamStates(model.lstmConfig(), o.batchSize());
        TrainingLoop.Plan plan = new TrainingLoop.Plan(-1, o.steps(), o.minutes() > 0 ? Duration.ofNanos((long) (o.minutes() * 60e9)) : null,
                new Adam(o.learningRate()), TrainingLoop.Plan.geometric(o.learningRate(), o.finalLearningRate()), o.clipNorm());
        try (SumGradients gradients = new SumGradients(model, o.threads())) {
            TrainingLoop.Outcome outcome = TrainingLoop.run(new SumTask(model, gradients) {
                @Override
                public TrainingLoop.Epoch<SumBatch> epoch(int epoch) {
                    return TrainingLoop.Epoch.generated(STEPS_PER_EPOCH, progress -> generated(progress, data, chunks, carried, model));
                }

                @Override
                public int plannedEpochs() {
                    return o.steps() > 0 ? (int) ((o.steps() + STEPS_PER_EPOCH - 1) / STEPS_PER_EPOCH) : -1;
                }

                @Override
                public Map<String, Double> afterEpoch(int epoch, double progress) {
                    return Map.of("max_length", (double) currentMaxLength(progress));
                }
            }, plan, listener);
            return new Result(model, outcome.steps(), (System.nanoTime() - began) / 1e9, outcome.lastEpochLoss());
        }
    }

    /**
     * A batch of sequences in scaled units, seq-first {@code [T][B]}, with the loss weight of every
     * position; {@code carried} holds the state each stream starts from and gets the one it ends
     * with (null: whole sequences from zeros).
     */
    record SumBatch(float[] x, float[] y, float[] w, int steps, int batch, StreamStates carried) {
    }

    /** The gradient of a batch, on the threads the settings give. */
    private abstract static class SumTask implements TrainingLoop.Task<SumBatch> {
        private final SumModel model;
        private final SumGradients gradients;

        SumTask(SumModel model, SumGradients gradients) {
            this.model = model;
            this.gradients = gradients;
        }

        @Override
        public String what() {
            return "sum";
        }

        @Override
        public SumModel model() {
            return model;
        }

        @Override
        public double lossAndGradients(SumBatch b) {
            return gradients.compute(b.x(), b.y(), b.w(), b.steps(), b.batch(), b.carried());
        }

        @Override
        public int examples(SumBatch b) {
            return b.batch();
        }
    }

    /**
     * One generated batch: the next chunk of the current streams, or of new ones whose length comes
     * from the curriculum at this point of the run.
     */
    private SumBatch generated(double progress, SumData data, StreamChunks chunks, StreamStates carried, SumModel model) {
        Settings o = settings;
        // drawn every step, used only when new streams start
        int newLength = length(progress, data);
        double numProb = o.minNumProb() + (1 - o.minNumProb()) * data.nextDouble();
        StreamChunks.Chunk chunk = chunks.next(newLength, numProb);
        if (chunk.startsStreams()) {
            carried.zero();
        }
        float[] values = chunk.values();
        float[] sums = chunk.sums();
        scale(values, sums, model.inputScale(), model.targetScale());
        return new SumBatch(values, sums, lossWeights(chunk.firstPosition(), chunk.steps(), chunk.batch()), chunk.steps(), chunk.batch(), carried);
    }

    /**
     * Trains {@code model} in place on given sequences (values with their targets) instead of
     * generated ones: at most {@code epochs} passes, each in batches of {@code batchSize} sequences
     * of similar length (padding carries no loss weight) in an order seeded by {@code seed}, at the
     * constant {@code learningRate}, with this run's loss weighting, clipping and threads. When
     * {@code budget} is not null it stops after the step in which the budget ran out. The settings'
     * {@code steps} and {@code minutes} bound only the runs on generated data.
     */
    public Result train(SumModel model, List<SumSequence> sequences, int epochs, Duration budget, TrainingListener listener) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("no training sequences");
        }
        Settings o = settings;
        int[] lengths = sequences.stream().mapToInt(SumSequence::length).toArray();
        SplittableRandom order = new SplittableRandom(o.seed()).split();
        TrainingLoop.Plan plan = new TrainingLoop.Plan(epochs, 0, budget, new Adam(o.learningRate()),
                TrainingLoop.Plan.constant(o.learningRate()), o.clipNorm());
        try (SumGradients gradients = new SumGradients(model, o.threads())) {
            TrainingLoop.Outcome outcome = TrainingLoop.run(new SumTask(model, gradients) {
                @Override
                public TrainingLoop.Epoch<SumBatch> epoch(int epoch) {
                    List<SumBatch> batches = new ArrayList<>();
                    for (int[] batch : TaggerTrainer.batches(lengths, o.batchSize(), order)) {
                        batches.add(given(batch, sequences, model));
                    }
                    return TrainingLoop.Epoch.of(batches, this);
                }
            }, plan, listener);
            return new Result(model, outcome.steps(), outcome.seconds(), outcome.lastEpochLoss());
        }
    }

    /** Sequences {@code batch} of {@code sequences} as one padded batch in scaled units. */
    private SumBatch given(int[] batch, List<SumSequence> sequences, SumModel model) {
        int b = batch.length;
        int steps = 0;
        for (int i : batch) {
            steps = Math.max(steps, sequences.get(i).length());
        }
        float[] x = new float[steps * b];
        float[] y = new float[steps * b];
        float[] w = new float[steps * b];
        for (int j = 0; j < b; j++) {
            SumSequence s = sequences.get(batch[j]);
            for (int t = 0; t < s.length(); t++) {
                x[t * b + j] = (float) (s.values()[t] / model.inputScale());
                y[t * b + j] = (float) (s.targets()[t] / model.targetScale());
                w[t * b + j] = lossWeight(t);
            }
        }
        return new SumBatch(x, y, w, steps, b, null);
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
        int knee = settings.weightKnee();
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
     * it, so that their length costs no memory. In the fitted recipe, whose read-out is all the
     * training, they drift as the training streams do, so that the fit covers the totals the model
     * will meet; the gradient recipe keeps the plain sequences it always started from.
     */
    void fitReadout(SumModel model, SumData data) {
        Settings o = settings;
        int batch = 4 * o.batchSize();
        boolean fitted = o.recipe() == Recipe.FITTED;
        StreamChunks chunks = new StreamChunks(data, batch, o.chunkLength(), fitted ? o.driftShare() : 0, o.maxDrift());
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
        fit.apply(model, fitted ? MultiScaleIntegrators.READOUT_RIDGE : READOUT_RIDGE);
    }

    /**
     * Trains a fitted-recipe model further on given sequences the only way that does not undo its
     * integrators: the LSTM stays as built, and the read-out becomes the least-squares fit of the
     * sequences' targets on the states the model reaches on them, each sequence run from the zero
     * state on the inference path and chunk after chunk with its state carried (so a long sequence
     * costs no more memory than a short one). The loss weights are the gradient path's. The fit sees
     * only these sequences: totals far beyond theirs are then as good as the cells' linear range and
     * this fit make them, which a held-out score of such totals is there to show.
     *
     * @return the model, its read-out replaced
     */
    public SumModel refitReadout(SumModel model, List<SumSequence> sequences) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("no training sequences");
        }
        ReadoutFit fit = new ReadoutFit(model.lstmConfig().hiddenSize());
        int chunk = settings.chunkLength();
        int[] lengths = sequences.stream().mapToInt(SumSequence::length).toArray();
        // in batches of similar length, as the gradient path pads them; the order does not change the fit
        for (int[] batch : TaggerTrainer.batches(lengths, settings.batchSize(), new SplittableRandom(settings.seed()))) {
            int b = batch.length;
            int longest = 0;
            for (int i : batch) {
                longest = Math.max(longest, lengths[i]);
            }
            LstmState[] states = new LstmState[b];
            for (int j = 0; j < b; j++) {
                states[j] = LstmState.zeros(model.lstmConfig());
            }
            for (int first = 0; first < longest; first += chunk) {
                int steps = Math.min(chunk, longest - first);
                float[] x = new float[steps * b];
                float[] y = new float[steps * b];
                float[] w = new float[steps * b];
                for (int j = 0; j < b; j++) {
                    SumSequence s = sequences.get(batch[j]);
                    for (int t = first; t < Math.min(s.length(), first + steps); t++) {
                        int r = (t - first) * b + j;
                        x[r] = (float) (s.values()[t] / model.inputScale());
                        y[r] = (float) (s.targets()[t] / model.targetScale());
                        w[r] = lossWeight(t);
                    }
                }
                float[] out = model.packed().forwardSequence(x, steps, b, states);
                fit.add(out, y, w, steps * b);
            }
        }
        fit.apply(model, MultiScaleIntegrators.READOUT_RIDGE);
        return model;
    }

    /** The curriculum's longest length at this point of the run: geometric growth from startLength. */
    int currentMaxLength(double progress) {
        Settings o = settings;
        double f = o.curriculumShare() <= 0 ? 1 : Math.min(1, progress / o.curriculumShare());
        double len = o.startLength() * Math.pow((double) o.maxLength() / o.startLength(), f);
        return (int) Math.max(1, Math.min(o.maxLength(), Math.round(len)));
    }

    private int length(double progress, SumData data) {
        int max = currentMaxLength(progress);
        if (data.nextDouble() < settings.shortShare() && max > 2) {
            // log-uniform in [2, max]: short sums get steps of their own, not only as prefixes
            return (int) Math.round(Math.exp(Math.log(2) + data.nextDouble() * (Math.log(max) - Math.log(2))));
        }
        return max;
    }
}
