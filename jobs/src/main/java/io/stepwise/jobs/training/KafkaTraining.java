package io.stepwise.jobs.training;

import io.stepwise.kafka.KafkaConnectors;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The training job wired to Kafka: the settings a user gives on the command line, applied to an environment. */
public final class KafkaTraining {

    /**
     * @param bootstrap          Kafka bootstrap servers, HOST:PORT[,HOST:PORT]
     * @param examplesTopic      labelled examples, JSON
     * @param modelTopic         where new versions are announced (key = model name); the inference jobs read it
     * @param deadLetterTopic    examples that could not be used, with the reason
     * @param groupId            consumer group for examples: a restarted job resumes at its committed offsets
     * @param options            the trainer's settings
     * @param checkpointInterval how often state and Kafka transactions are committed; an announcement
     *                           becomes visible to read_committed readers (the inference jobs) at this pace
     * @param delivery           EXACTLY_ONCE (transactional, the default) or AT_LEAST_ONCE
     * @param topicPartitions    partitions for topics this job creates
     */
    public record Settings(String bootstrap, String examplesTopic, String modelTopic, String deadLetterTopic, String groupId,
                           TrainingOptions options, Duration checkpointInterval, DeliveryGuarantee delivery, int topicPartitions) {

        public static Settings of(String bootstrap, String examplesTopic, String modelTopic, TrainingOptions options) {
            return new Settings(bootstrap, examplesTopic, modelTopic, examplesTopic + "-dead-letters", "stepwise-train",
                    options, Duration.ofSeconds(5), DeliveryGuarantee.EXACTLY_ONCE, 2);
        }

        public Settings withDeadLetterTopic(String t) {
            return new Settings(bootstrap, examplesTopic, modelTopic, t, groupId, options, checkpointInterval, delivery, topicPartitions);
        }

        public Settings withGroupId(String g) {
            return new Settings(bootstrap, examplesTopic, modelTopic, deadLetterTopic, g, options, checkpointInterval, delivery, topicPartitions);
        }

        public Settings withCheckpointInterval(Duration d) {
            return new Settings(bootstrap, examplesTopic, modelTopic, deadLetterTopic, groupId, options, d, delivery, topicPartitions);
        }

        public Settings withDelivery(DeliveryGuarantee g) {
            return new Settings(bootstrap, examplesTopic, modelTopic, deadLetterTopic, groupId, options, checkpointInterval, g, topicPartitions);
        }

        public Settings withPartitions(int n) {
            return new Settings(bootstrap, examplesTopic, modelTopic, deadLetterTopic, groupId, options, checkpointInterval, delivery, n);
        }
    }

    private KafkaTraining() {
    }

    /** Creates missing topics, enables checkpointing and adds the job to {@code env}. */
    public static void configure(StreamExecutionEnvironment env, Settings s) {
        configure(env, s, "");
    }

    /** {@link #configure(StreamExecutionEnvironment, Settings)} with a uid prefix, to share a Flink job with others. */
    public static void configure(StreamExecutionEnvironment env, Settings s, String uidPrefix) {
        KafkaConnectors.ensureTopics(s.bootstrap(),
                new LinkedHashSet<>(List.of(s.examplesTopic(), s.modelTopic(), s.deadLetterTopic())), s.topicPartitions());
        env.enableCheckpointing(s.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        // distinct from any inference job's prefix, so that the two jobs' transactions never fence each other
        String txPrefix = "stepwise-train-" + s.groupId() + "-" + s.modelTopic();
        new TrainingJob(
                KafkaConnectors.source(s.bootstrap(), s.examplesTopic(), s.groupId(), false, false),
                KafkaConnectors.sink(s.bootstrap(), s.modelTopic(), s.delivery(), txPrefix),
                KafkaConnectors.sink(s.bootstrap(), s.deadLetterTopic(), s.delivery(), txPrefix + "-dlq"),
                s.options()).build(env, uidPrefix);
    }
}
