package io.stepwise.jobs.inference;

import io.stepwise.kafka.KafkaConnectors;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The inference job wired to Kafka: the settings a user gives on the command line, applied to an environment. */
public final class KafkaInference {

    /**
     * @param bootstrap          Kafka bootstrap servers, HOST:PORT[,HOST:PORT]
     * @param inputTopic         elements (key = stream id)
     * @param outputTopic        results
     * @param modelTopic         model version announcements (key = model name), read from the beginning
     * @param deadLetterTopic    records that could not be used, with the reason
     * @param groupId            consumer group for elements: a restarted job resumes at its committed offsets
     * @param initialModel       a model file to serve from the start, or null to wait for the model topic
     * @param checkpointInterval how often state and Kafka transactions are committed; results become
     *                           visible to read_committed consumers at this pace
     * @param delivery           EXACTLY_ONCE (transactional sink, the default) or AT_LEAST_ONCE
     * @param bounded            stop at the offsets current at start (tests, catching up), instead of running on
     * @param topicPartitions    partitions for topics this job creates; they bound the source parallelism
     */
    public record Settings(String bootstrap, String inputTopic, String outputTopic, String modelTopic, String deadLetterTopic,
                           String groupId, byte[] initialModel, InferenceOptions options, Duration checkpointInterval,
                           DeliveryGuarantee delivery, boolean bounded, int topicPartitions) {

        public static Settings of(String bootstrap, String inputTopic, String outputTopic, String modelTopic) {
            return new Settings(bootstrap, inputTopic, outputTopic, modelTopic, outputTopic + "-dead-letters",
                    "stepwise-infer", null, InferenceOptions.defaults(), Duration.ofSeconds(5),
                    DeliveryGuarantee.EXACTLY_ONCE, false, 2);
        }

        public Settings withInitialModel(byte[] file) {
            return new Settings(bootstrap, inputTopic, outputTopic, modelTopic, deadLetterTopic, groupId, file, options,
                    checkpointInterval, delivery, bounded, topicPartitions);
        }

        public Settings withGroupId(String g) {
            return new Settings(bootstrap, inputTopic, outputTopic, modelTopic, deadLetterTopic, g, initialModel, options,
                    checkpointInterval, delivery, bounded, topicPartitions);
        }

        public Settings withDeadLetterTopic(String t) {
            return new Settings(bootstrap, inputTopic, outputTopic, modelTopic, t, groupId, initialModel, options,
                    checkpointInterval, delivery, bounded, topicPartitions);
        }

        public Settings withCheckpointInterval(Duration d) {
            return new Settings(bootstrap, inputTopic, outputTopic, modelTopic, deadLetterTopic, groupId, initialModel, options,
                    d, delivery, bounded, topicPartitions);
        }

        public Settings withOptions(InferenceOptions o) {
            return new Settings(bootstrap, inputTopic, outputTopic, modelTopic, deadLetterTopic, groupId, initialModel, o,
                    checkpointInterval, delivery, bounded, topicPartitions);
        }

        public Settings withDelivery(DeliveryGuarantee g) {
            return new Settings(bootstrap, inputTopic, outputTopic, modelTopic, deadLetterTopic, groupId, initialModel, options,
                    checkpointInterval, g, bounded, topicPartitions);
        }

        public Settings withPartitions(int n) {
            return new Settings(bootstrap, inputTopic, outputTopic, modelTopic, deadLetterTopic, groupId, initialModel, options,
                    checkpointInterval, delivery, bounded, n);
        }

        public Settings bounded(boolean b) {
            return new Settings(bootstrap, inputTopic, outputTopic, modelTopic, deadLetterTopic, groupId, initialModel, options,
                    checkpointInterval, delivery, b, topicPartitions);
        }
    }

    private KafkaInference() {
    }

    /** Creates missing topics, enables checkpointing and adds the job to {@code env}. */
    public static void configure(StreamExecutionEnvironment env, Settings s) {
        configure(env, s, "");
    }

    /** {@link #configure(StreamExecutionEnvironment, Settings)} with a uid prefix, for several pipelines in one job. */
    public static void configure(StreamExecutionEnvironment env, Settings s, String uidPrefix) {
        KafkaConnectors.ensureTopics(s.bootstrap(),
                new LinkedHashSet<>(List.of(s.inputTopic(), s.outputTopic(), s.modelTopic(), s.deadLetterTopic())), s.topicPartitions());
        env.enableCheckpointing(s.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        // a distinct prefix per output topic and group keeps two jobs' transactions apart
        String txPrefix = "stepwise-" + s.groupId() + "-" + s.outputTopic();
        new InferenceJob(
                KafkaConnectors.source(s.bootstrap(), s.inputTopic(), s.groupId(), false, s.bounded()),
                KafkaConnectors.source(s.bootstrap(), s.modelTopic(), s.groupId() + "-models", true, s.bounded()),
                KafkaConnectors.sink(s.bootstrap(), s.outputTopic(), s.delivery(), txPrefix),
                KafkaConnectors.sink(s.bootstrap(), s.deadLetterTopic(), s.delivery(), txPrefix + "-dlq"),
                s.options(), s.initialModel()).build(env, uidPrefix);
    }
}
