package io.stepwise.cli;

import io.stepwise.jobs.inference.InferenceOptions;
import io.stepwise.jobs.inference.KafkaInference;
import io.stepwise.jobs.inference.ReplayInference;
import io.stepwise.jobs.inference.UpdatePolicy;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs a Stepwise job on a local MiniCluster or submits it to a Flink cluster. */
@Command(name = "run", mixinStandardHelpOptions = true,
        header = "Runs a Stepwise Flink job.",
        subcommands = {RunCommand.Infer.class, RunTrainCommand.class})
public final class RunCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where and how a job runs: options every job shares. */
    static final class Cluster {
        @Option(names = "--jobmanager", paramLabel = "HOST:PORT",
                description = "Submit to this Flink cluster's REST endpoint instead of running a local MiniCluster.")
        String jobmanager;

        @Option(names = "--parallelism", defaultValue = "1", description = "Parallelism of the keyed operator and sources (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Option(names = "--checkpoint-dir", defaultValue = "target/checkpoints", paramLabel = "DIR",
                description = "Checkpoint storage, a local folder or a Flink FileSystem URI (default: ${DEFAULT-VALUE}).")
        String checkpointDir;

        @Option(names = "--checkpoint-interval", defaultValue = "5s", paramLabel = "DURATION",
                description = "Checkpoint interval; results are committed to Kafka at this pace (default: ${DEFAULT-VALUE}).")
        String checkpointInterval;

        @Option(names = "--state-backend", defaultValue = "hashmap", description = "hashmap or rocksdb (default: ${DEFAULT-VALUE}).")
        String stateBackend;

        @Option(names = "--web-port", defaultValue = "8081", description = "Port of the local Flink web UI (default: ${DEFAULT-VALUE}).")
        int webPort;

        Duration interval() {
            return Durations.parse(checkpointInterval, "--checkpoint-interval");
        }

        StreamExecutionEnvironment environment() {
            Configuration conf = new Configuration();
            String dir = checkpointDir.contains("://") ? checkpointDir : Path.of(checkpointDir).toAbsolutePath().toUri().toString();
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
            conf.set(StateBackendOptions.STATE_BACKEND, stateBackend);
            StreamExecutionEnvironment env;
            if (jobmanager == null) {
                conf.set(RestOptions.PORT, webPort);
                // a local MiniCluster (its REST endpoint serves the web UI, flink-runtime-web being on the
                // class path); inside a Flink client or test context, that context's environment instead
                env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
                System.err.println("stepwise: local Flink MiniCluster, web UI at http://localhost:" + webPort);
            } else {
                String[] hp = jobmanager.split(":");
                if (hp.length != 2) {
                    throw new IllegalArgumentException("--jobmanager must be HOST:PORT, got '" + jobmanager + "'");
                }
                env = StreamExecutionEnvironment.createRemoteEnvironment(hp[0], Integer.parseInt(hp[1]), conf, JobJars.forCluster());
            }
            env.setParallelism(parallelism);
            return env;
        }
    }

    @Command(name = "infer", mixinStandardHelpOptions = true,
            header = "Runs the streaming inference job: one LSTM step per element, a result at once.",
            description = {
                "Reads elements from --input-topic (key = stream id), runs one LSTM step per element on",
                "that stream's state and writes a result per element to --output-topic, stamped with the",
                "model version. Model versions come from --model-topic (read from its beginning) and are",
                "swapped in without a restart. Results are written in Kafka transactions (exactly-once):",
                "read them with isolation.level=read_committed; they appear as checkpoints complete.",
                "Topics that don't exist are created."})
    static final class Infer implements Callable<Integer> {

        @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (not with --replay).")
        String bootstrap;

        @Option(names = "--input-topic", required = true, description = "Elements, JSON (wire format v1); with --replay, the recorded topic that holds them.")
        String inputTopic;

        @Option(names = "--output-topic", description = "Results, JSON (not with --replay).")
        String outputTopic;

        @Option(names = "--replay", paramLabel = "FILE",
                description = "Run over a recording ('stepwise record') instead of Kafka: event time from the recorded order,"
                        + " model versions in force where they were recorded; results to --output.")
        Path replay;

        @Option(names = "--output", paramLabel = "FILE", description = "With --replay: the results file (dead letters beside it, .dead-letters).")
        Path output;

        @Option(names = "--model-topic", required = true, description = "Model version announcements (with --replay: the recorded topic).")
        String modelTopic;

        @Option(names = "--dead-letter-topic", description = "Records that could not be used (default: <output-topic>-dead-letters).")
        String deadLetterTopic;

        @Option(names = "--model", paramLabel = "FILE", description = "Serve this model file from the start (else wait for the model topic).")
        Path model;

        @Option(names = "--model-name", description = "Serve only announcements of this model (default: the first one seen, or --model's).")
        String modelName;

        @Option(names = "--group-id", defaultValue = "stepwise-infer", description = "Consumer group; a restarted job resumes at its offsets (default: ${DEFAULT-VALUE}).")
        String groupId;

        @Option(names = "--idle-timeout", defaultValue = "30m", paramLabel = "DURATION", description = "A stream idle this long loses its state (default: ${DEFAULT-VALUE}).")
        String idleTimeout;

        @Option(names = "--max-pending", defaultValue = "1000", description = "Elements kept per stream while no model version exists yet (default: ${DEFAULT-VALUE}).")
        int maxPending;

        @Option(names = "--update-policy", paramLabel = "pin|switch|rewarm",
                description = "What a stream in mid-sequence does when a new version arrives (default: pin for taggers, rewarm for sums).")
        String updatePolicy;

        @Option(names = "--rewarm-window", defaultValue = "16", description = "Elements kept per stream to rewarm its state under a new version (default: ${DEFAULT-VALUE}).")
        int rewarmWindow;

        @Option(names = "--at-least-once", description = "Write results without transactions (lower latency; duplicates possible after a failure).")
        boolean atLeastOnce;

        @Option(names = "--partitions", defaultValue = "2", description = "Partitions of topics this job creates (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Mixin
        Cluster cluster;

        @Override
        public Integer call() throws Exception {
            byte[] initial = null;
            String name = modelName;
            if (model != null) {
                initial = Files.readAllBytes(model);
                Model m = ModelFile.fromBytes(initial, model.toString());
                name = name == null ? m.name() : name;
                System.err.println("stepwise: serving " + m.name() + " v" + m.version() + " from " + model + " until a newer version is announced");
            }
            if (replay != null) {
                return replay(initial, name);
            }
            if (bootstrap == null || outputTopic == null) {
                throw new IllegalArgumentException("--bootstrap and --output-topic are required (or --replay FILE --output FILE)");
            }
            InferenceOptions options = options(name);
            KafkaInference.Settings s = KafkaInference.Settings.of(bootstrap, inputTopic, outputTopic, modelTopic)
                    .withGroupId(groupId).withInitialModel(initial).withOptions(options)
                    .withCheckpointInterval(cluster.interval())
                    .withDelivery(atLeastOnce ? DeliveryGuarantee.AT_LEAST_ONCE : DeliveryGuarantee.EXACTLY_ONCE)
                    .withPartitions(partitions);
            if (deadLetterTopic != null) {
                s = s.withDeadLetterTopic(deadLetterTopic);
            }
            StreamExecutionEnvironment env = cluster.environment();
            KafkaInference.configure(env, s);
            env.execute("stepwise infer " + inputTopic + " -> " + outputTopic);
            return 0;
        }

        private InferenceOptions options(String name) {
            return InferenceOptions.defaults().withModelName(name)
                    .withIdleTimeout(Durations.parse(idleTimeout, "--idle-timeout")).withMaxPendingPerStream(maxPending)
                    .withUpdatePolicy(updatePolicy == null ? null : UpdatePolicy.parse(updatePolicy)).withRewarmWindow(rewarmWindow);
        }

        private int replay(byte[] initial, String name) throws Exception {
            if (output == null) {
                throw new IllegalArgumentException("--replay needs --output FILE");
            }
            ReplayInference.Settings s = new ReplayInference.Settings(replay, output, inputTopic, modelTopic, initial, options(name));
            java.nio.file.Path work = Files.createTempDirectory("stepwise-replay-");
            try {
                StreamExecutionEnvironment env = cluster.environment();
                ReplayInference.configure(env, s, work);
                env.execute("stepwise replay " + replay.getFileName());
                long n = ReplayInference.finish(work, s);
                System.err.println("stepwise: replay wrote " + n + " results to " + output + " (dead letters: " + s.deadLetterOutput() + ")");
            } finally {
                try (var paths = Files.walk(work)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return 0;
        }
    }
}
