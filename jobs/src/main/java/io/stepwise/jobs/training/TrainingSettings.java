package io.stepwise.jobs.training;

import io.stepwise.jobs.config.Durations;
import io.stepwise.jobs.config.JobOption;
import io.stepwise.jobs.config.KafkaJobSettings;
import io.stepwise.jobs.config.OptionGroup;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelKind;
import io.stepwise.modelstream.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Everything the side training job is run with, built one way ({@link Builder}, which holds every
 * default, and the kind's own where they differ) and declared once as options ({@link #OPTIONS}):
 * the same options for {@code stepwise run train}, for {@code flink run -c TrainingJobMain} and for
 * application mode.
 *
 * @param kafka                how the job meets Kafka; may be null only where no Kafka is used (tests)
 * @param examplesTopic        labelled examples, JSON
 * @param modelTopic           where new versions are announced (key = model name); the inference jobs read it
 * @param deadLetterTopic      examples that could not be used, with the reason
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
 * @param signingKey           signs every published version (docs/signing.md); null: versions go out unsigned
 */
public record TrainingSettings(KafkaJobSettings kafka, String examplesTopic, String modelTopic, String deadLetterTopic,
                               String name, ModelKind kind, long publishEveryExamples, Duration publishEveryInterval,
                              double evalFraction, Publish publish, String modelDir, int maxExamples, int roundEpochs,
                              Duration roundBudget, long seed, int embeddingDim, int hiddenSize, int numLayers,
                              int batchSize, double learningRate, int minCount, byte[] startModel, String dataSource,
                              SigningKey signingKey)
        implements Serializable {

    /** When a round's model is published. */
    public enum Publish {
        BETTER, ALWAYS;

        static Publish parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--publish must be better or always, got '" + s + "'");
            }
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public TrainingSettings {
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

    public static Builder builder() {
        return new Builder();
    }

    /** The settings {@code args} give, with every default; a bad argument throws IllegalArgumentException. */
    public static TrainingSettings parse(String[] args) {
        return OptionGroup.parse(args, OPTIONS, Builder::new).build();
    }

    public static String usage(String command) {
        return OptionGroup.usage(command, OPTIONS, Builder::new);
    }

    /** These settings without the Kafka client (and its secrets), for the operator that only trains. */
    TrainingSettings forTrainer() {
        return new TrainingSettings(null, examplesTopic, modelTopic, deadLetterTopic, name, kind, publishEveryExamples,
                publishEveryInterval, evalFraction, publish, modelDir, maxExamples, roundEpochs, roundBudget, seed, embeddingDim,
                hiddenSize, numLayers, batchSize, learningRate, minCount, startModel, dataSource, signingKey);
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

    /** Builds {@link TrainingSettings}; every field starts at its default, the kind's own where kinds differ. */
    public static final class Builder {
        private final KafkaJobSettings.Builder kafka = KafkaJobSettings.builder("stepwise-train");
        private boolean noKafka;
        private String examplesTopic;
        private String modelTopic;
        private String deadLetterTopic;
        private String name;
        private ModelKind kind;
        private long publishEveryExamples = 1000;
        private Duration publishEveryInterval;
        private double evalFraction = 0.1;
        private Publish publish = Publish.BETTER;
        private String modelDir = Path.of("target/models").toAbsolutePath().toUri().toString();
        private int maxExamples = 100_000;
        private int roundEpochs = 3;
        private Duration roundBudget = Duration.ofSeconds(30);
        private long seed = 1;
        private int embeddingDim = 32;
        private Integer hiddenSize;
        private int numLayers = 1;
        private int batchSize = 16;
        private Double learningRate;
        private int minCount = 2;
        private byte[] startModel;
        private Path startModelFile;
        private String dataSource;
        private SigningKey signingKey;

        public KafkaJobSettings.Builder kafka() {
            return kafka;
        }

        /** Settings for a trainer run without Kafka (operator tests). */
        public Builder withoutKafka() {
            noKafka = true;
            return this;
        }

        public Builder bootstrap(String servers) {
            kafka.bootstrap(servers);
            return this;
        }

        public Builder examplesTopic(String t) {
            examplesTopic = t;
            return this;
        }

        public Builder modelTopic(String t) {
            modelTopic = t;
            return this;
        }

        public Builder deadLetterTopic(String t) {
            deadLetterTopic = t;
            return this;
        }

        public Builder kind(ModelKind k) {
            kind = k;
            return this;
        }

        public Builder name(String n) {
            name = n;
            return this;
        }

        /** A round after every {@code examples} new examples. */
        public Builder publishEvery(long examples) {
            publishEveryExamples = examples;
            publishEveryInterval = null;
            return this;
        }

        /** A round {@code interval} after the first new example. */
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

        /** Where model files go: a URI with a scheme, or a local folder (made absolute). */
        public Builder modelDir(String dirOrUri) {
            modelDir = dirOrUri.contains("://") ? dirOrUri : Path.of(dirOrUri).toAbsolutePath().toUri().toString();
            return this;
        }

        public Builder maxExamples(int n) {
            maxExamples = n;
            return this;
        }

        public Builder roundEpochs(int n) {
            roundEpochs = n;
            return this;
        }

        public Builder roundBudget(Duration d) {
            roundBudget = d;
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public Builder embeddingDim(int dim) {
            embeddingDim = dim;
            return this;
        }

        public Builder hiddenSize(int hidden) {
            hiddenSize = hidden;
            return this;
        }

        public Builder numLayers(int n) {
            numLayers = n;
            return this;
        }

        public Builder batchSize(int n) {
            batchSize = n;
            return this;
        }

        public Builder learningRate(double lr) {
            learningRate = lr;
            return this;
        }

        public Builder minCount(int n) {
            minCount = n;
            return this;
        }

        public Builder startModel(byte[] modelFile) {
            startModel = modelFile;
            return this;
        }

        /** Fine-tune this model file; it also gives the kind and the name, unless they are set. */
        public Builder startModel(Path file) {
            try {
                startModel = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new IllegalArgumentException("--from " + file + ": " + e.getMessage(), e);
            }
            startModelFile = file;
            return this;
        }

        public Builder dataSource(String description) {
            dataSource = description;
            return this;
        }

        /** Sign every published version with this key. */
        public Builder signingKey(SigningKey key) {
            signingKey = key;
            return this;
        }

        public TrainingSettings build() {
            ModelKind k = kind;
            String n = name;
            if (startModel != null) {
                String source = startModelFile == null ? "the starting model" : "--from " + startModelFile;
                Model m = ModelFile.fromBytes(startModel, source);
                if (k != null && m.kind() != k) {
                    throw new IllegalArgumentException(source + " is a " + m.kind().id() + " model, but --kind is " + k.id());
                }
                k = m.kind();
                n = n == null ? m.name() : n;
            }
            if (k == null) {
                throw new IllegalArgumentException("--kind is required: tagger or sum (or --from a model file)");
            }
            n = n == null ? k.id() : n;
            String dlq = deadLetterTopic != null ? deadLetterTopic : examplesTopic == null ? null : examplesTopic + "-dead-letters";
            String data = dataSource != null ? dataSource
                    : examplesTopic == null ? "labelled examples" : "labelled examples from Kafka topic " + examplesTopic;
            return new TrainingSettings(noKafka ? null : kafka.build(), examplesTopic, modelTopic, dlq, n, k, publishEveryExamples,
                    publishEveryInterval, evalFraction, publish, modelDir, maxExamples, roundEpochs, roundBudget, seed, embeddingDim,
                    hiddenSize != null ? hiddenSize : defaultHiddenSize(k), numLayers, batchSize,
                    learningRate != null ? learningRate : defaultLearningRate(k), minCount, startModel, data, signingKey);
        }
    }

    /** A new model's hidden size when none is given: taggers need more room than sums. */
    static int defaultHiddenSize(ModelKind kind) {
        return kind == ModelKind.TAGGER ? 64 : 32;
    }

    static double defaultLearningRate(ModelKind kind) {
        return kind == ModelKind.TAGGER ? 0.01 : 3e-3;
    }

    static final OptionGroup<Builder> TOPICS = new OptionGroup<>("Topics",
            JobOption.<Builder>value("--examples-topic", "TOPIC", "Labelled examples, JSON.", null, Builder::examplesTopic),
            JobOption.<Builder>value("--model-topic", "TOPIC", "Where new versions are announced (key = model name).", null,
                    Builder::modelTopic),
            JobOption.<Builder>value("--dead-letter-topic", "TOPIC", "Examples that could not be used (default: <examples-topic>-dead-letters).",
                    null, Builder::deadLetterTopic));

    static final OptionGroup<Builder> MODEL = new OptionGroup<>("Model",
            JobOption.<Builder>value("--kind", "tagger|sum", "The kind of model (default: --from's).", null,
                    (b, v) -> b.kind(ModelKind.parse(v))),
            JobOption.<Builder>value("--from", "FILE", "Fine-tune this model file; it counts as the serving version to beat "
                    + "(default: a new model).", null, (b, v) -> b.startModel(Path.of(v))),
            JobOption.<Builder>value("--name", "NAME", "The model's name (default: --from's name, else the kind).", null, Builder::name),
            JobOption.<Builder>value("--model-dir", "URI",
                    "Where model files go: a local folder or a Flink FileSystem URI the inference jobs can read.",
                    b -> b.modelDir, Builder::modelDir),
            JobOption.<Builder>value("--signing-key", "FILE",
                    "Sign every published version with this Ed25519 key (stepwise keys generate), for inference jobs "
                            + "with --trusted-keys (default: unsigned).",
                    null, (b, v) -> b.signingKey(SigningKey.read(Path.of(v)))));

    static final OptionGroup<Builder> ROUNDS = new OptionGroup<>("Rounds and publishing",
            JobOption.<Builder>value("--publish-every", "N|DURATION",
                    "Train a round after every N new examples, or DURATION after the first new one, e.g. 500 or 1m.",
                    b -> b.publishEveryInterval != null ? Durations.format(b.publishEveryInterval) : b.publishEveryExamples,
                    (b, v) -> {
                        if (v.trim().matches("\\d+")) {
                            b.publishEvery(Long.parseLong(v.trim()));
                        } else {
                            b.publishEvery(Durations.parse(v, "--publish-every"));
                        }
                    }),
            JobOption.<Builder>value("--publish", "better|always",
                    "Publish a round's model only when it beats the serving version on the held-out examples, or after every round.",
                    b -> b.publish.name().toLowerCase(Locale.ROOT), (b, v) -> b.publish(Publish.parse(v))),
            JobOption.<Builder>value("--eval-fraction", "F", "Share of the examples held out for evaluation.", b -> b.evalFraction,
                    (b, v) -> b.evalFraction(OptionGroup.number("--eval-fraction", v))),
            JobOption.<Builder>value("--max-examples", "N", "Latest examples kept for training and evaluation.", b -> b.maxExamples,
                    (b, v) -> b.maxExamples(OptionGroup.positive("--max-examples", v))),
            JobOption.<Builder>value("--round-epochs", "N", "Passes over the kept examples per round.", b -> b.roundEpochs,
                    (b, v) -> b.roundEpochs(OptionGroup.positive("--round-epochs", v))),
            JobOption.<Builder>value("--round-budget", "DURATION", "Longest training time per round; checkpoints wait while a round runs.",
                    b -> b.roundBudget, (b, v) -> b.roundBudget(Durations.parse(v, "--round-budget"))),
            JobOption.<Builder>value("--seed", "N", "Seeds the held-out split, new weights and batch order.", b -> b.seed,
                    (b, v) -> b.seed(OptionGroup.integer("--seed", v))));

    static final OptionGroup<Builder> TRAINING = new OptionGroup<>("A new model and its training",
            JobOption.<Builder>value("--embedding-dim", "N", "Word embedding size of a new tagger.", b -> b.embeddingDim,
                    (b, v) -> b.embeddingDim(OptionGroup.positive("--embedding-dim", v))),
            JobOption.<Builder>value("--hidden-size", "N", "LSTM hidden size of a new model (default: " + defaultHiddenSize(ModelKind.TAGGER)
                    + " for a tagger, " + defaultHiddenSize(ModelKind.SUM) + " for a sum model).", null,
                    (b, v) -> b.hiddenSize(OptionGroup.positive("--hidden-size", v))),
            JobOption.<Builder>value("--num-layers", "N", "LSTM layers of a new model.", b -> b.numLayers,
                    (b, v) -> b.numLayers(OptionGroup.positive("--num-layers", v))).alias("--layers"),
            JobOption.<Builder>value("--batch-size", "N", "Sequences per optimizer step.", b -> b.batchSize,
                    (b, v) -> b.batchSize(OptionGroup.positive("--batch-size", v))),
            JobOption.<Builder>value("--learning-rate", "RATE", "Adam's learning rate (default: " + defaultLearningRate(ModelKind.TAGGER)
                    + " for a tagger, " + defaultLearningRate(ModelKind.SUM) + " for a sum model).", null,
                    (b, v) -> b.learningRate(OptionGroup.number("--learning-rate", v))),
            JobOption.<Builder>value("--min-count", "N", "A word joins the tagger's vocabulary once seen this often.", b -> b.minCount,
                    (b, v) -> b.minCount(OptionGroup.positive("--min-count", v))));

    /** Every option of the training job, in the order its usage lists them. */
    public static final List<OptionGroup<Builder>> OPTIONS = List.of(
            KafkaJobSettings.CLIENT_OPTIONS.on(Builder::kafka), KafkaJobSettings.JOB_OPTIONS.on(Builder::kafka), TOPICS, MODEL, ROUNDS, TRAINING);
}
