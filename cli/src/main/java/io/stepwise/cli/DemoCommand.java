package io.stepwise.cli;

import io.stepwise.data.DataFolder;
import io.stepwise.jobs.config.Durations;
import io.stepwise.demo.ConsoleView;
import io.stepwise.demo.DemoFeeder;
import io.stepwise.demo.DemoModels;
import io.stepwise.jobs.inference.InferenceSettings;
import io.stepwise.kafka.KafkaClient;
import io.stepwise.jobs.inference.KafkaInference;
import io.stepwise.local.kafka.EmbeddedKafka;
import io.stepwise.jobs.training.KafkaTraining;
import io.stepwise.jobs.training.TrainingSettings;
import io.stepwise.model.ModelKind;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.model.SumModel;
import io.stepwise.model.TaggerModel;
import io.stepwise.modelstream.ModelSignatures;
import io.stepwise.modelstream.SigningKey;
import io.stepwise.modelstream.TrustedKeys;
import io.stepwise.train.TrainingListener;
import io.stepwise.wire.ModelAnnouncement;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The whole thing on one machine: Kafka, Flink, two models, live streams, a live view. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "Runs the streaming demo on embedded Kafka and Flink.",
        description = {
            "Starts a Kafka broker in this JVM and a local Flink MiniCluster with its web UI, trains a",
            "tagger and a sum model, publishes them as version 1 on a model topic, feeds example chat",
            "and meter streams into Kafka, runs the inference job on them and shows the running tags",
            "and sums live, with the model version of each. A side training job goes on training the",
            "tagger on labelled examples streamed into Kafka and publishes each better version, which the",
            "inference job swaps in without a restart. Every version is signed with a key pair made for",
            "the demo, and the inference job accepts only versions that key signed.",
            "Without --duration it runs until Ctrl-C.",
            "Everything lives in a temporary folder that is removed at the end."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long, e.g. 60s or 5m (default: run until Ctrl-C).")
    String duration;

    @Option(names = "--rate", defaultValue = "20", description = "Elements per second fed into Kafka (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--chat-streams", defaultValue = "6", description = "Interleaved chat streams (default: ${DEFAULT-VALUE}).")
    int chatStreams;

    @Option(names = "--meters", defaultValue = "4", description = "Interleaved number streams (default: ${DEFAULT-VALUE}).")
    int meters;

    @Option(names = "--corpus", paramLabel = "DIR", arity = "0..1", fallbackValue = "",
            description = {"Train the tagger on UD English EWT found under DIR/ud-english-ewt instead of the bundled sample;",
                "without DIR, under the repository's data folder, where `stepwise data ud-ewt` puts it."})
    String corpusOption;

    @Option(names = "--sum-training", defaultValue = "15s", paramLabel = "DURATION", description = "Training time of the sum model (default: ${DEFAULT-VALUE}).")
    String sumTraining;

    @Option(names = "--web-port", defaultValue = "8081", description = "Flink web UI port; another free one is taken if it is busy (default: ${DEFAULT-VALUE}).")
    int webPort;

    @Option(names = "--no-training", description = "Serve the start models only, without the side training job.")
    boolean noTraining;

    @Option(names = "--plain", description = "Print one line per result instead of redrawing the screen (default when not on a terminal).")
    boolean plain;

    @Spec
    CommandSpec spec;

    /** The corpus folder --corpus names; null without the option: the bundled sample. */
    Path corpus() {
        return corpusOption == null ? null : corpusOption.isEmpty() ? DataFolder.defaultDir() : Path.of(corpusOption);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration limit = duration == null ? null : Durations.parse(duration, "--duration");
        Path corpus = corpus();
        Path dir = Files.createTempDirectory("stepwise-demo-");
        long started = System.currentTimeMillis();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            err.println("demo: Kafka broker at " + kafka.bootstrapServers());
            err.println("demo: training the tagger ...");
            err.flush();
            DemoModels.Trained<TaggerModel> tagger = DemoModels.tagger(corpus, noTraining ? 20 : 3, TrainingListener.NONE);
            err.println("demo: tagger v1, " + tagger.heldOut());
            err.println("demo: training the sum model (" + sumTraining + ") ...");
            err.flush();
            DemoModels.Trained<SumModel> sum = DemoModels.sum(Durations.parse(sumTraining, "--sum-training").toMillis() / 60000.0, TrainingListener.NONE);
            err.println("demo: sum v1, " + sum.heldOut());

            // a key pair of its own: the demo signs every version it and its training job publish, and the
            // inference job trusts that key alone, as a production setup would (stepwise keys generate)
            Path keys = dir.resolve("keys");
            SigningKey.writeNew(keys);
            SigningKey key = SigningKey.read(keys.resolve(SigningKey.PRIVATE_FILE));
            TrustedKeys trusted = TrustedKeys.read(keys.resolve(SigningKey.PUBLIC_FILE));
            err.println("demo: model versions are signed with key " + key.keyId().substring(0, 16) + "…, the only one the inference job trusts");

            KafkaClient bootstrap = KafkaClient.of(kafka.bootstrapServers());
            Path models = dir.resolve("models");
            InferenceSettings tags = demoSettings(bootstrap, "tokens", "tags", "tagger", trusted, models);
            InferenceSettings sums = demoSettings(bootstrap, "numbers", "sums", "sum", trusted, models);
            Configuration conf = new Configuration();
            int port = freePort(webPort);
            conf.set(RestOptions.PORT, port);
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.resolve("checkpoints").toUri().toString());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            env.setParallelism(2);
            KafkaInference.configure(env, tags, "tagger-");
            KafkaInference.configure(env, sums, "sum-");
            if (!noTraining) {
                // the side training job: it goes on training the tagger on labelled examples streamed into
                // Kafka and announces each better version on the model topic the inference job reads
                TrainingSettings.Builder training = TrainingSettings.builder().kind(ModelKind.TAGGER).name("tagger")
                        .modelDir(models.toUri().toString()).signingKey(key)
                        .startModel(ModelFile.toBytes(tagger.model())).publishEvery(150).roundEpochs(2).roundBudget(Duration.ofSeconds(8))
                        .evalFraction(0.15).dataSource("the bundled tagged sample")
                        .examplesTopic("examples").modelTopic("models").deadLetterTopic("dead-letters");
                training.kafka().kafka(bootstrap).groupId("demo-training").checkpointInterval(Duration.ofSeconds(1));
                KafkaTraining.configure(env, training.build(), "training-");
            }
            announce(bootstrap, "models", tagger.model(), key);
            announce(bootstrap, "models", sum.model(), key);

            JobClient job = env.executeAsync("stepwise demo");
            String web = "http://localhost:" + port;
            err.println("demo: Flink web UI at " + web);
            err.flush();
            try (DemoFeeder feeder = new DemoFeeder(bootstrap, tags.inputTopic(), sums.inputTopic(), DemoModels.chatSentences(),
                    chatStreams, meters, rate);
                 ConsoleView view = new ConsoleView(bootstrap, List.of(tags.outputTopic(), sums.outputTopic()), "models", "dead-letters", out,
                         !plain && System.console() != null,
                         () -> String.format("Stepwise demo · Kafka %s · Flink web UI %s · %ds%n  tagger v1: %s%n  sum v1: %s",
                                 bootstrap.bootstrap(), web, (System.currentTimeMillis() - started) / 1000, tagger.heldOut(), sum.heldOut()))) {
                Thread feeding = new Thread(feeder, "demo-feeder");
                feeding.setDaemon(true);
                feeding.start();
                if (!noTraining) {
                    Thread examples = new Thread(() -> DemoFeeder.feedExamples(bootstrap, "examples", DemoModels.trainingSentences(corpus), feeder),
                            "demo-examples");
                    examples.setDaemon(true);
                    examples.start();
                }
                Thread stopper = new Thread(feeder::stop);
                Runtime.getRuntime().addShutdownHook(stopper);
                long end = limit == null ? Long.MAX_VALUE : System.currentTimeMillis() + limit.toMillis();
                while (System.currentTimeMillis() < end && feeding.isAlive()) {
                    view.refresh(Duration.ofMillis(500));
                }
                feeder.stop();
                feeding.join(5000);
                err.printf("demo: fed %d elements, showed %d results%n", feeder.sent(), view.results());
                try {
                    Runtime.getRuntime().removeShutdownHook(stopper);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the hook is running already
                }
            } finally {
                job.cancel().get();
            }
        } finally {
            deleteTree(dir);
        }
        err.flush();
        return 0;
    }

    private static InferenceSettings demoSettings(KafkaClient kafka, String in, String out, String model, TrustedKeys trusted,
                                                  Path models) {
        InferenceSettings.Builder b = InferenceSettings.builder().inputTopic(in).outputTopic(out).modelTopic("models")
                .deadLetterTopic("dead-letters");
        // results appear in the view once their checkpoint commits them: keep that short
        b.kafka().kafka(kafka).groupId("demo-" + model).checkpointInterval(Duration.ofSeconds(1));
        // only versions the demo's key signed, and files only from the folder its training job writes to
        b.serving().modelName(model).trustedKeys(trusted).allowModelUri(models.toString());
        return b.build();
    }

    private static void announce(KafkaClient bootstrap, String topic, Model m, SigningKey key) {
        byte[] file = ModelFile.toBytes(m);
        ModelAnnouncement a = ModelSignatures.sign(ModelAnnouncement.inline(m.name(), m.version(), file, ModelFile.sha256Hex(file)), key);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(io.stepwise.kafka.KafkaConnectors.producerProperties(bootstrap))) {
            p.send(new ProducerRecord<>(topic, m.name(), a.toJson()));
        }
    }

    private static int freePort(int preferred) throws IOException {
        for (int candidate : new int[]{preferred, 0}) {
            try (ServerSocket s = new ServerSocket(candidate)) {
                return s.getLocalPort();
            } catch (IOException busy) {
                // try the next
            }
        }
        throw new IOException("no free port for the Flink web UI");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
