package io.stepwise.pipeline;

import io.stepwise.jobs.inference.InferenceJobMain;
import io.stepwise.jobs.inference.InferenceSettings;
import io.stepwise.kafka.KafkaClient;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Rows b to e: the inference job itself, built the way {@code stepwise run infer} and
 * {@code flink run -c InferenceJobMain} build it ({@link InferenceJobMain#prepare}), on a local
 * Flink MiniCluster with the hashmap state backend. The user's job options (after {@code --}) are
 * parsed by the job's own declarations, so every option the job has, now or later, can be passed
 * through; the options the benchmark sets itself may not be.
 */
final class InferenceRun implements SystemUnderTest {

    private final InferenceSettings settings;
    private final StreamExecutionEnvironment env;
    private final InferenceJobMain.Prepared job;
    private final String runId;
    private final StepCostReporter.Counters steps;
    private JobClient client;

    InferenceRun(KafkaClient kafka, BenchTopics topics, Model model, int parallelism, Duration checkpointInterval, Delivery delivery,
                 List<String> jobOptions, String groupId, Path checkpoints) throws Exception {
        InferenceSettings.Builder b = InferenceJobOptions.builder(jobOptions);
        b.kafka().kafka(kafka).groupId(groupId).checkpointInterval(checkpointInterval)
                .delivery(delivery == Delivery.EXACTLY_ONCE ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE);
        b.inputTopic(topics.input).outputTopic(topics.output).modelTopic(topics.models).deadLetterTopic(topics.deadLetters())
                .initialModel(ModelFile.toBytes(model));
        this.settings = b.build();
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        conf.set(RestOptions.BIND_PORT, "0"); // any free port: a demo or another job may hold 8081
        this.runId = groupId;
        this.steps = StepCostReporter.configure(conf, runId);
        this.env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        this.job = InferenceJobMain.prepare(env, settings);
    }

    @Override
    public void start() throws Exception {
        client = env.executeAsync(job.name());
    }

    @Override
    public void checkAlive() throws Exception {
        JobStatus status = client.getJobStatus().get();
        if (status.isGloballyTerminalState()) {
            String why = "";
            try {
                client.getJobExecutionResult().get();
            } catch (Exception e) {
                why = ": " + (e.getCause() == null ? e : e.getCause()).getMessage();
            }
            throw new IllegalStateException("the inference job ended (" + status + ")" + why);
        }
    }

    @Override
    public StepCostReporter.StepCounts stepCounts() {
        return steps.read();
    }

    @Override
    public void close() throws Exception {
        StepCostReporter.release(runId);
        try {
            if (client != null && !client.getJobStatus().get().isGloballyTerminalState()) {
                client.cancel().get();
            }
        } finally {
            job.close();
        }
    }
}
