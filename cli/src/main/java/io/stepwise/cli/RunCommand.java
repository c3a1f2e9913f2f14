package io.stepwise.cli;


import io.stepwise.local.cluster.FlinkRest;
import io.stepwise.jobs.inference.InferenceJobMain;
import io.stepwise.jobs.inference.InferenceSettings;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.modelstream.ModelAdmission;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs a Stepwise job on a local MiniCluster or submits it to a Flink cluster. */
@Command(name = "run", mixinStandardHelpOptions = true,
        header = "Runs a Stepwise Flink job.",
        subcommands = {RunCommand.Infer.class, RunTrainCommand.class, RunCommand.Stop.class})
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
                description = {"Submit to this Flink cluster's REST endpoint instead of running a local MiniCluster.",
                    "The job jar goes with it, plus whatever libraries the cluster lacks; ND4J must be on the",
                    "cluster (stepwise cluster start, or the Docker image in docker/)."})
        String jobmanager;

        @Option(names = "--parallelism", defaultValue = "1", description = "Parallelism of the keyed operator and sources (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Option(names = "--checkpoint-dir", paramLabel = "DIR",
                description = "Checkpoint storage, a local folder or a Flink FileSystem URI (default: target/checkpoints locally, the cluster's own with --jobmanager).")
        String checkpointDir;

        @Option(names = "--state-backend", description = "hashmap or rocksdb (default: hashmap locally, the cluster's own with --jobmanager).")
        String stateBackend;

        @Option(names = "--from-savepoint", paramLabel = "PATH",
                description = "Start from this savepoint (or retained checkpoint): streams continue with the state they had.")
        String fromSavepoint;

        @Option(names = "--detached", description = "With --jobmanager: return once the job is submitted, printing its id.")
        boolean detached;

        @Option(names = "--web-port", defaultValue = "8081", description = "Port of the local Flink web UI (default: ${DEFAULT-VALUE}).")
        int webPort;

        @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
        picocli.CommandLine.Model.CommandSpec mixee;

        StreamExecutionEnvironment environment() throws IOException, InterruptedException {
            Configuration conf = new Configuration();
            String dir = checkpointDir == null && jobmanager == null ? "target/checkpoints" : checkpointDir;
            if (dir != null) {
                conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.contains("://") ? dir : Path.of(dir).toAbsolutePath().toUri().toString());
            }
            String backend = stateBackend == null && jobmanager == null ? "hashmap" : stateBackend;
            if (backend != null) {
                conf.set(StateBackendOptions.STATE_BACKEND, backend);
            }
            if (fromSavepoint != null) {
                conf.set(StateRecoveryOptions.SAVEPOINT_PATH, fromSavepoint);
            }
            StreamExecutionEnvironment env;
            if (jobmanager == null) {
                if (detached) {
                    throw new IllegalArgumentException("--detached needs --jobmanager: a local MiniCluster ends with this command");
                }
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
                List<String> clusterClasspath;
                try {
                    clusterClasspath = FlinkRest.of(jobmanager).jobManagerClasspath();
                } catch (IOException e) {
                    throw new IOException("cannot reach the Flink REST API at " + jobmanager + " (" + UserErrors.describe(e) + ")", e);
                }
                if (!JobJars.hasNd4j(clusterClasspath)) {
                    throw new IllegalStateException("the Flink cluster at " + jobmanager + " has no ND4J on its class path; "
                            + "start one with `stepwise cluster start`, or put the Stepwise lib jars in its lib folder (docker/)");
                }
                Path work = Files.createTempDirectory("stepwise-job-jars");
                work.toFile().deleteOnExit();
                List<Path> jars = JobJars.forCluster(clusterClasspath, work);
                System.err.println("stepwise: submitting to the Flink cluster at " + jobmanager + " with "
                        + jars.stream().map(j -> j.getFileName().toString()).toList());
                env = StreamExecutionEnvironment.createRemoteEnvironment(hp[0], Integer.parseInt(hp[1]), conf,
                        jars.stream().map(Path::toString).toArray(String[]::new));
            }
            env.setParallelism(parallelism);
            return env;
        }

        /** Runs the job to its end, or with --detached only submits it; either way prints its id. */
        void execute(StreamExecutionEnvironment env, String name) throws Exception {
            JobClient job = env.executeAsync(name);
            var out = mixee.commandLine().getOut();
            out.println("job " + job.getJobID() + " submitted" + (jobmanager == null ? "" : " to " + jobmanager));
            out.flush();
            if (!detached) {
                job.getJobExecutionResult().get();
            }
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            header = "Stops a job on a Flink cluster with a savepoint.",
            description = {
                "Takes a savepoint of the job and stops it (its sources stop at the same point, its Kafka",
                "transactions commit), then prints the savepoint's path. Start the job again from there with",
                "`stepwise run infer … --from-savepoint PATH`, with the same or another parallelism."})
    static final class Stop implements Callable<Integer> {

        @Parameters(paramLabel = "JOB_ID", description = "The job's id, as run infer printed it.")
        String jobId;

        @Option(names = "--jobmanager", required = true, paramLabel = "HOST:PORT", description = "The Flink cluster's REST endpoint.")
        String jobmanager;

        @Option(names = "--savepoint-dir", paramLabel = "DIR",
                description = "Where the savepoint goes (default: the cluster's execution.checkpointing.savepoint-dir).")
        String savepointDir;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String[] hp = jobmanager.split(":");
            if (hp.length != 2) {
                throw new IllegalArgumentException("--jobmanager must be HOST:PORT, got '" + jobmanager + "'");
            }
            Configuration conf = new Configuration();
            conf.set(RestOptions.ADDRESS, hp[0]);
            conf.set(RestOptions.PORT, Integer.parseInt(hp[1]));
            String dir = savepointDir == null || savepointDir.contains("://") ? savepointDir : Path.of(savepointDir).toAbsolutePath().toUri().toString();
            try (RestClusterClient<StandaloneClusterId> client = new RestClusterClient<>(conf, StandaloneClusterId.getInstance())) {
                String path = client.stopWithSavepoint(JobID.fromHexString(jobId), false, dir, SavepointFormatType.CANONICAL).get();
                spec.commandLine().getOut().println("job " + jobId + " stopped with savepoint " + path);
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    @Command(name = "infer", mixinStandardHelpOptions = true, modelTransformer = Infer.Options.class,
            header = "Runs the streaming inference job: one LSTM step per element, a result at once.",
            description = {
                "Reads elements from --input-topic (key = stream id), runs one LSTM step per element on",
                "that stream's state and writes a result per element to --output-topic, stamped with the",
                "model version. Model versions come from --model-topic (read from its beginning) and are",
                "swapped in without a restart. Results are written in Kafka transactions (exactly-once):",
                "read them with isolation.level=read_committed; they appear as checkpoints complete.",
                "Topics that don't exist are created. The job's own options are those of",
                "`flink run -c io.stepwise.jobs.inference.InferenceJobMain jobs.jar`."})
    static final class Infer implements Callable<Integer> {

        /** The job's options, declared in the jobs module (InferenceSettings), shown and taken here. */
        static final class Options implements CommandLine.IModelTransformer {
            @Override
            public CommandSpec transform(CommandSpec spec) {
                return JobOptions.addTo(spec, InferenceSettings.OPTIONS, InferenceSettings.Builder::new);
            }
        }

        @Spec
        CommandSpec spec;

        @Mixin
        Cluster cluster;

        @Override
        public Integer call() throws Exception {
            InferenceSettings s = JobOptions.settings(spec.commandLine().getParseResult(), InferenceSettings.OPTIONS,
                    InferenceSettings.Builder::new).build();
            if (s.initialModel() != null) {
                Model m = ModelFile.fromBytes(s.initialModel(), "--model", s.serving().admission().limits());
                System.err.println("stepwise: serving " + m.name() + " v" + m.version() + " from --model until a newer version is announced");
            }
            ModelAdmission admission = s.serving().admission();
            System.err.println("stepwise: accepting model versions " + (admission.authenticated()
                    ? "signed by one of " + admission.trustedKeys().size() + " trusted keys" : "without authentication (no --trusted-keys)")
                    + ", files inline" + (admission.locations().isEmpty() ? "" : " or under " + admission.locations()));
            if (s.recording() != null && cluster.detached) {
                throw new IllegalArgumentException("a run over a recording writes its results file when it ends; it cannot be --detached");
            }
            StreamExecutionEnvironment env = cluster.environment();
            try (InferenceJobMain.Prepared job = InferenceJobMain.prepare(env, s)) {
                cluster.execute(env, job.name());
                job.finish();
            }
            return 0;
        }
    }
}
