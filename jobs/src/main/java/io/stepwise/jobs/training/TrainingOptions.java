package io.stepwise.jobs.training;

import io.stepwise.model.ModelKind;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Settings of the training job's trainer, each with the default that runs on one machine.
 *
 * @param name                 the model's name: the key of its announcements and the stem of its files
 * @param kind                 tagger or sum; examples of the other kind are dead-lettered
 * @param publishEveryExamples a training round after every this many new examples (0: by time instead)
 * @param publishEveryInterval a training round this long after the first example since the last round
 *                             (null: by count instead)
 * @param evalFraction         share of the examples held out for evaluation, chosen per example from
 *                             the seed and its arrival index, so the split survives restarts (default 0.1)
 * @param publish              BETTER: publish a round's model only when it beats the serving version on
 *                             the held-out examples (the default); ALWAYS: after every round
 * @param modelDir             where model files are written: any Flink FileSystem URI (file://, s3://, hdfs://)
 * @param maxExamples          examples kept in state; beyond it the oldest go (default 100,000)
 * @param roundEpochs          passes over the kept examples in one round (default 3)
 * @param roundBudget          a round stops after the batch in which this time ran out, so that it never
 *                             holds checkpoints back for long (default 30 s)
 * @param seed                 seeds the held-out split, new weights and batch order (default 1)
 * @param embeddingDim         word embedding size of a new tagger (ignored with a starting model)
 * @param hiddenSize           LSTM hidden size of a new model (ignored with a starting model)
 * @param numLayers            LSTM layers of a new model (ignored with a starting model)
 * @param batchSize            sequences per optimizer step
 * @param learningRate         Adam's learning rate
 * @param minCount             a word joins the tagger's vocabulary once the kept examples hold it this often;
 *                             rarer words train the unknown-word entry (default 2)
 * @param startModel           a model file to fine-tune and to beat, served as version N before N+1 is
 *                             published; null to start from a new model
 * @param dataSource           where the examples come from, for the provenance of each version
 */
public record TrainingOptions(String name, ModelKind kind, long publishEveryExamples, Duration publishEveryInterval,
                              double evalFraction, Publish publish, String modelDir, int maxExamples, int roundEpochs,
                              Duration roundBudget, long seed, int embeddingDim, int hiddenSize, int numLayers,
                              int batchSize, double learningRate, int minCount, byte[] startModel, String dataSource)
        implements Serializable {

    /** When a round's model is published. */
    public enum Publish {
        BETTER, ALWAYS
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public TrainingOptions {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("model name '" + name + "' must be letters, digits, '.', '_' or '-' "
                    + "(it names the model's files)");
        }
        if (kind == null) {
            throw new IllegalArgumentException("the kind of model (tagger or sum) is needed");
        }
        if ((publishEveryExamples > 0) == (publishEveryInterval != null)) {
            throw new IllegalArgumentException("publish every N examples or every DURATION, one of them");
        }
        if (publishEveryExamples < 0 || (publishEveryInterval != null && (publishEveryInterval.isNegative() || publishEveryInterval.isZero()))) {
            throw new IllegalArgumentException("the publishing interval must be positive");
        }
        if (!(evalFraction >= 0 && evalFraction <= 0.9)) {
            throw new IllegalArgumentException("the held-out fraction must be in [0, 0.9], got " + evalFraction);
        }
        if (evalFraction == 0 && publish == Publish.BETTER) {
            throw new IllegalArgumentException("without held-out examples (eval fraction 0) no version can be shown "
                    + "better than another; hold some out or publish always");
        }
        if (publish == null) {
            throw new IllegalArgumentException("a publishing policy (better or always) is needed");
        }
        requireAbsoluteUri(modelDir);
        positive("max examples", maxExamples);
        positive("round epochs", roundEpochs);
        if (roundBudget == null || roundBudget.isNegative() || roundBudget.isZero()) {
            throw new IllegalArgumentException("the round budget must be positive, got " + roundBudget);
        }
        positive("embedding dim", embeddingDim);
        positive("hidden size", hiddenSize);
        positive("layers", numLayers);
        positive("batch size", batchSize);
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("the learning rate must be positive, got " + learningRate);
        }
        positive("min count", minCount);
    }

    /** The defaults for a model of this kind and name, files under {@code modelDir}. */
    public static Builder builder(ModelKind kind, String name, String modelDir) {
        return new Builder(kind, name, modelDir);
    }

    /** Whether the example that arrived {@code index}-th is held out: a draw from the seed and the index alone. */
    public boolean heldOut(long index) {
        return evalFraction > 0 && new java.util.SplittableRandom(seed * 0x9E3779B97F4A7C15L + index).nextDouble() < evalFraction;
    }

    private static void positive(String what, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + v);
        }
    }

    private static void requireAbsoluteUri(String dir) {
        try {
            if (dir == null || new URI(dir).getScheme() == null) {
                throw new IllegalArgumentException("the model folder must be a URI with a scheme (file:///…, s3://…), got '" + dir + "'");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the model folder '" + dir + "' is not a URI: " + e.getMessage());
        }
    }

    /** Fluent construction; {@link #build()} checks every setting. */
    public static final class Builder {
        private String name;
        private final ModelKind kind;
        private long publishEveryExamples = 1000;
        private Duration publishEveryInterval;
        private double evalFraction = 0.1;
        private Publish publish = Publish.BETTER;
        private String modelDir;
        private int maxExamples = 100_000;
        private int roundEpochs = 3;
        private Duration roundBudget = Duration.ofSeconds(30);
        private long seed = 1;
        private int embeddingDim = 32;
        private int hiddenSize;
        private int numLayers = 1;
        private int batchSize = 16;
        private double learningRate;
        private int minCount = 2;
        private byte[] startModel;
        private String dataSource = "labelled examples";

        private Builder(ModelKind kind, String name, String modelDir) {
            this.kind = kind;
            this.name = name;
            this.modelDir = modelDir;
            this.hiddenSize = kind == ModelKind.TAGGER ? 64 : 32;
            this.learningRate = kind == ModelKind.TAGGER ? 0.01 : 3e-3;
        }

        public Builder name(String n) {
            name = n;
            return this;
        }

        public Builder publishEvery(long examples) {
            publishEveryExamples = examples;
            publishEveryInterval = null;
            return this;
        }

        public Builder publishEvery(Duration interval) {
            publishEveryInterval = interval;
            publishEveryExamples = 0;
            return this;
        }

        public Builder evalFraction(double f) {
            evalFraction = f;
            return this;
        }

        public Builder publish(Publish p) {
            publish = p;
            return this;
        }

        public Builder modelDir(String uri) {
            modelDir = uri;
            return this;
        }

        public Builder maxExamples(int n) {
            maxExamples = n;
            return this;
        }

        public Builder round(int epochs, Duration budget) {
            roundEpochs = epochs;
            roundBudget = budget;
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public Builder sizes(int embedding, int hidden, int layers) {
            embeddingDim = embedding;
            hiddenSize = hidden;
            numLayers = layers;
            return this;
        }

        public Builder embeddingDim(int dim) {
            embeddingDim = dim;
            return this;
        }

        public Builder layers(int n) {
            numLayers = n;
            return this;
        }

        public Builder batchSize(int n) {
            batchSize = n;
            return this;
        }

        public Builder minCount(int n) {
            minCount = n;
            return this;
        }

        public Builder hiddenSize(int hidden) {
            hiddenSize = hidden;
            return this;
        }

        public Builder learningRate(double lr) {
            learningRate = lr;
            return this;
        }

        public Builder training(int batch, double lr, int minimumCount) {
            batchSize = batch;
            learningRate = lr;
            minCount = minimumCount;
            return this;
        }

        public Builder startModel(byte[] modelFile) {
            startModel = modelFile;
            return this;
        }

        public Builder dataSource(String description) {
            dataSource = description;
            return this;
        }

        public TrainingOptions build() {
            return new TrainingOptions(name, kind, publishEveryExamples, publishEveryInterval, evalFraction, publish, modelDir,
                    maxExamples, roundEpochs, roundBudget, seed, embeddingDim, hiddenSize, numLayers, batchSize, learningRate,
                    minCount, startModel, dataSource);
        }
    }
}
