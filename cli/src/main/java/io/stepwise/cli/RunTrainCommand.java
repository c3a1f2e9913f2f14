package io.stepwise.cli;

import io.stepwise.jobs.training.KafkaTraining;
import io.stepwise.jobs.training.TrainingOptions;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stepwise run train}: the side training job on Kafka. */
@Command(name = "train", mixinStandardHelpOptions = true,
        header = "Runs the side training job: learns from labelled examples, publishes better model versions.",
        description = {
            "Reads labelled examples from --examples-topic: {\"tokens\":[...],\"tags\":[...]} for a tagger,",
            "{\"values\":[...]} (targets: the running sums, unless \"targets\" gives them) for a sum model.",
            "Bad examples go to the dead-letter topic with the reason. The job keeps the latest examples",
            "(some held out for evaluation) in checkpointed state and, every --publish-every examples or",
            "DURATION, trains the model further for one bounded round. When the result beats the serving",
            "version on the held-out examples (or always, with --publish always), it writes the model file",
            "to --model-dir and announces it on --model-topic with its scores, for the inference jobs to",
            "pick up. Version numbers are checkpointed: they keep increasing across restarts.",
            "Topics that don't exist are created."})
final class RunTrainCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--examples-topic", required = true, description = "Labelled examples, JSON.")
    String examplesTopic;

    @Option(names = "--model-topic", required = true, description = "Where new versions are announced (key = model name).")
    String modelTopic;

    @Option(names = "--kind", required = true, description = "tagger or sum.")
    String kind;

    @Option(names = "--from", paramLabel = "FILE",
            description = "Fine-tune this model file; it counts as the serving version to beat (default: a new model).")
    Path from;

    @Option(names = "--name", description = "The model's name (default: --from's name, else the kind).")
    String name;

    @Option(names = "--publish-every", defaultValue = "1000", paramLabel = "N|DURATION",
            description = "Train a round after every N new examples, or DURATION after the first new one, e.g. 500 or 1m (default: ${DEFAULT-VALUE}).")
    String publishEvery;

    @Option(names = "--publish", defaultValue = "better", paramLabel = "better|always",
            description = "Publish a round's model only when it beats the serving version on the held-out examples, or after every round (default: ${DEFAULT-VALUE}).")
    String publish;

    @Option(names = "--eval-fraction", defaultValue = "0.1", paramLabel = "F",
            description = "Share of the examples held out for evaluation (default: ${DEFAULT-VALUE}).")
    double evalFraction;

    @Option(names = "--model-dir", defaultValue = "target/models", paramLabel = "URI",
            description = "Where model files go: a local folder or a Flink FileSystem URI the inference jobs can read (default: ${DEFAULT-VALUE}).")
    String modelDir;

    @Option(names = "--dead-letter-topic", description = "Examples that could not be used (default: <examples-topic>-dead-letters).")
    String deadLetterTopic;

    @Option(names = "--group-id", defaultValue = "stepwise-train", description = "Consumer group; a restarted job resumes at its offsets (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--max-examples", defaultValue = "100000", description = "Latest examples kept for training and evaluation (default: ${DEFAULT-VALUE}).")
    int maxExamples;

    @Option(names = "--round-epochs", defaultValue = "3", description = "Passes over the kept examples per round (default: ${DEFAULT-VALUE}).")
    int roundEpochs;

    @Option(names = "--round-budget", defaultValue = "30s", paramLabel = "DURATION",
            description = "Longest training time per round; checkpoints wait while a round runs (default: ${DEFAULT-VALUE}).")
    String roundBudget;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds the held-out split, new weights and batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--embedding-dim", defaultValue = "32", description = "Word embedding size of a new tagger (default: ${DEFAULT-VALUE}).")
    int embeddingDim;

    @Option(names = "--hidden-size", description = "LSTM hidden size of a new model (default: 64 for a tagger, 32 for a sum model).")
    Integer hiddenSize;

    @Option(names = "--layers", defaultValue = "1", description = "LSTM layers of a new tagger (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--batch-size", defaultValue = "16", description = "Sequences per optimizer step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", description = "Adam's learning rate (default: 0.01 for a tagger, 0.003 for a sum model).")
    Double learningRate;

    @Option(names = "--min-count", defaultValue = "2", description = "A word joins the tagger's vocabulary once seen this often (default: ${DEFAULT-VALUE}).")
    int minCount;

    @Option(names = "--at-least-once", description = "Announce without Kafka transactions (an announcement may repeat after a failure).")
    boolean atLeastOnce;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions of topics this job creates (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Mixin
    RunCommand.Cluster cluster;

    @Override
    public Integer call() throws Exception {
        KafkaTraining.Settings s = settings();
        TrainingOptions o = s.options();
        System.err.println("stepwise: training " + o.kind().id() + " model '" + o.name() + "' from topic " + examplesTopic
                + ", announcing on " + modelTopic + ", files in " + o.modelDir());
        StreamExecutionEnvironment env = cluster.environment();
        KafkaTraining.configure(env, s);
        cluster.execute(env, "stepwise train " + o.name() + " from " + examplesTopic);
        return 0;
    }

    /** The job's settings from the options, every one checked before anything starts. */
    KafkaTraining.Settings settings() throws java.io.IOException {
        ModelKind k = ModelKind.parse(kind);
        byte[] start = null;
        String modelName = name;
        if (from != null) {
            start = Files.readAllBytes(from);
            Model m = ModelFile.fromBytes(start, from.toString());
            if (m.kind() != k) {
                throw new IllegalArgumentException("--from " + from + " is a " + m.kind().id() + " model, but --kind is " + k.id());
            }
            modelName = modelName == null ? m.name() : modelName;
        }
        if (modelName == null) {
            modelName = k.id();
        }
        String dir = modelDir.contains("://") ? modelDir : Path.of(modelDir).toAbsolutePath().toUri().toString();
        TrainingOptions.Builder b = TrainingOptions.builder(k, modelName, dir)
                .startModel(start)
                .evalFraction(evalFraction)
                .publish(publishPolicy())
                .maxExamples(maxExamples)
                .round(roundEpochs, Durations.parse(roundBudget, "--round-budget"))
                .seed(seed)
                .dataSource("labelled examples from Kafka topic " + examplesTopic);
        b.embeddingDim(embeddingDim).layers(layers).batchSize(batchSize).minCount(minCount);
        // without a value the kind's default stays
        if (hiddenSize != null) {
            b.hiddenSize(hiddenSize);
        }
        if (learningRate != null) {
            b.learningRate(learningRate);
        }
        if (publishEvery.trim().matches("\\d+")) {
            b.publishEvery(Long.parseLong(publishEvery.trim()));
        } else {
            b.publishEvery(Durations.parse(publishEvery, "--publish-every"));
        }
        KafkaTraining.Settings s = KafkaTraining.Settings.of(bootstrap, examplesTopic, modelTopic, b.build())
                .withGroupId(groupId)
                .withCheckpointInterval(cluster.interval())
                .withDelivery(atLeastOnce ? DeliveryGuarantee.AT_LEAST_ONCE : DeliveryGuarantee.EXACTLY_ONCE)
                .withPartitions(partitions);
        return deadLetterTopic == null ? s : s.withDeadLetterTopic(deadLetterTopic);
    }

    private TrainingOptions.Publish publishPolicy() {
        try {
            return TrainingOptions.Publish.valueOf(publish.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--publish must be better or always, got '" + publish + "'");
        }
    }
}
