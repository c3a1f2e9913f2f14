package io.stepwise.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stepwise.cli.Stepwise;
import io.stepwise.jobs.inference.InferenceJobMain;
import io.stepwise.local.cluster.ClusterClasspath;
import io.stepwise.local.cluster.ClusterSettings;
import io.stepwise.local.cluster.LocalFlinkCluster;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.client.ClientUtils;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import picocli.CommandLine;

/**
 * A real multi-process deployment for end-to-end tests: a Kafka broker in its own JVM and a Flink
 * standalone cluster of a JobManager and two TaskManager JVMs ({@code stepwise cluster start}),
 * jobs submitted as thin jars through the command line ({@code stepwise run infer --jobmanager}),
 * as a user would. Closing it stops every process by PID.
 */
final class ClusterDeployment implements AutoCloseable {

    private static final Pattern SUBMITTED = Pattern.compile("job ([0-9a-f]{32}) submitted");
    private static final Pattern SAVEPOINT = Pattern.compile("stopped with savepoint (\\S+)");

    final Path root;
    final KafkaProcess kafka;
    final LocalFlinkCluster cluster;
    final FlinkJobs jobs;

    private ClusterDeployment(Path root, KafkaProcess kafka, LocalFlinkCluster cluster) {
        this.root = root;
        this.kafka = kafka;
        this.cluster = cluster;
        this.jobs = new FlinkJobs(cluster.rest());
    }

    static ClusterDeployment start(Path root) throws Exception {
        return start(root, UnaryOperator.identity());
    }

    /** {@link #start(Path)} with the cluster's settings changed by {@code adjust} (slots, Flink options) before it starts. */
    static ClusterDeployment start(Path root, UnaryOperator<ClusterSettings> adjust) throws Exception {
        root = root.toAbsolutePath();
        // a run killed before its cleanup may have left its processes: they go first
        LocalFlinkCluster.stop(root.resolve("flink"), Duration.ofSeconds(10));
        KafkaProcess kafka = KafkaProcess.start(root.resolve("kafka"));
        try {
            ClusterSettings settings = ClusterSettings.defaults().withTaskManagers(2).withSlots(2)
                    .withPorts(KafkaProcess.freePort(), KafkaProcess.freePort())
                    // a killed TaskManager is noticed within seconds rather than the default 50 s
                    .with("heartbeat.interval", "1s").with("heartbeat.timeout", "10s")
                    // restart at once however often TaskManagers die, instead of backing off exponentially
                    .with("restart-strategy.type", "fixed-delay")
                    .with("restart-strategy.fixed-delay.attempts", "1000")
                    .with("restart-strategy.fixed-delay.delay", "1s");
            settings = adjust.apply(settings);
            LocalFlinkCluster cluster = LocalFlinkCluster.start(root.resolve("flink"), settings, Duration.ofMinutes(3)).stopWhenThisJvmExits();
            return new ClusterDeployment(root, kafka, cluster);
        } catch (Exception | Error e) {
            kafka.close();
            throw e;
        }
    }

    /**
     * Submits the inference job for topics {@code name-in}, {@code name-models}, {@code name-out};
     * returns once all its tasks run. Checkpoints every 500 ms unless {@code extra} sets
     * {@code --checkpoint-interval}.
     */
    String submit(String name, Model model, String... extra) throws Exception {
        Path file = root.resolve(name + "-" + model.name() + "-v" + model.version() + ".stepwise");
        Files.write(file, ModelFile.toBytes(model));
        List<String> args = new ArrayList<>(List.of("run", "infer", "--jobmanager", cluster.restAddress(),
                "--bootstrap", kafka.bootstrapServers(), "--input-topic", input(name), "--model-topic", name + "-models",
                "--output-topic", output(name), "--group-id", name, "--model", file.toString(), "--detached"));
        if (!List.of(extra).contains("--checkpoint-interval")) {
            // short, so that results reach read_committed consumers quickly
            args.addAll(List.of("--checkpoint-interval", "500ms"));
        }
        args.addAll(List.of(extra));
        String out = cli(args);
        Matcher m = SUBMITTED.matcher(out);
        assertThat(m.find()).as("run infer printed the job id: %s", out).isTrue();
        String job = m.group(1);
        await().atMost(Duration.ofMinutes(2)).until(() -> jobs.allRunning(job));
        return job;
    }

    /**
     * Submits the inference job the way {@code flink run -d -c InferenceJobMain jobs.jar ARGS} does:
     * Flink's own client runs the jar's entry class with the arguments against the cluster's REST
     * endpoint; nothing of Stepwise's command line takes part. Returns once all its tasks run.
     */
    String submitLikeFlinkRun(String name, Model model, int parallelism) throws Exception {
        Path file = root.resolve(name + "-" + model.name() + "-v" + model.version() + ".stepwise");
        Files.write(file, ModelFile.toBytes(model));
        List<String> before = jobs.runningJobs();
        String[] args = {"--bootstrap", kafka.bootstrapServers(), "--input-topic", input(name), "--model-topic", name + "-models",
            "--output-topic", output(name), "--group-id", name, "--model", file.toString(), "--checkpoint-interval", "500ms"};
        Path jar = ClusterClasspath.jobCode();
        assertThat(jar.toString()).as("the jobs module packaged as a jar").endsWith(".jar");
        Configuration conf = new Configuration();
        String[] rest = cluster.restAddress().split(":");
        conf.set(DeploymentOptions.TARGET, "remote");
        conf.set(DeploymentOptions.ATTACHED, false);
        conf.set(RestOptions.ADDRESS, rest[0]);
        conf.set(RestOptions.PORT, Integer.parseInt(rest[1]));
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        // what `flink run` does with its JAR argument: the job ships with it
        conf.set(PipelineOptions.JARS, List.of(jar.toUri().toString()));
        PackagedProgram program = PackagedProgram.newBuilder().setJarFile(jar.toFile())
                .setEntryPointClassName(InferenceJobMain.class.getName()).setArguments(args).setConfiguration(conf).build();
        try {
            ClientUtils.executeProgram(new DefaultExecutorServiceLoader(), conf, program, false, false);
        } finally {
            program.close();
        }
        await().atMost(Duration.ofMinutes(1)).until(() -> jobs.runningJobs().size() > before.size());
        String job = jobs.runningJobs().stream().filter(j -> !before.contains(j)).findFirst().orElseThrow();
        await().atMost(Duration.ofMinutes(2)).until(() -> jobs.allRunning(job));
        return job;
    }

    static String input(String name) {
        return name + "-in";
    }

    static String output(String name) {
        return name + "-out";
    }

    /** {@code stepwise run stop}: the savepoint's path. */
    String stopWithSavepoint(String job) {
        String out = cli(List.of("run", "stop", "--jobmanager", cluster.restAddress(), job));
        Matcher m = SAVEPOINT.matcher(out);
        assertThat(m.find()).as("run stop printed the savepoint: %s", out).isTrue();
        return m.group(1);
    }

    private static String cli(List<String> args) {
        CommandLine cl = Stepwise.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        int exit = cl.execute(args.toArray(String[]::new));
        assertThat(exit).as("stepwise %s: %s", args, out).isZero();
        return out.toString();
    }

    /** Anything doubled would be committed with a later checkpoint: wait until two more completed. */
    void awaitTwoMoreCheckpoints(String job) throws Exception {
        long now = jobs.completedCheckpoints(job);
        await().atMost(Duration.ofMinutes(1)).until(() -> jobs.completedCheckpoints(job) >= now + 2);
    }

    /** Cancels every running job, so that the next test finds all slots free. */
    void cancelAllJobs() throws Exception {
        for (String job : jobs.runningJobs()) {
            jobs.cancel(job);
        }
        await().atMost(Duration.ofMinutes(1)).until(() -> jobs.runningJobs().isEmpty() && jobs.freeSlots() == jobs.totalSlots());
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } finally {
            kafka.close();
        }
    }
}
