package io.stepwise.jobs.training;

import io.stepwise.jobs.config.KafkaJobSettings;
import io.stepwise.kafka.KafkaConnectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The training job wired to Kafka: its settings applied to an environment. */
public final class KafkaTraining {

    private KafkaTraining() {
    }

    /** Creates missing topics, enables checkpointing and adds the job to {@code env}. */
    public static void configure(StreamExecutionEnvironment env, TrainingSettings s) {
        configure(env, s, "");
    }

    /** {@link #configure(StreamExecutionEnvironment, TrainingSettings)} with a uid prefix, to share a Flink job with others. */
    public static void configure(StreamExecutionEnvironment env, TrainingSettings s, String uidPrefix) {
        KafkaJobSettings k = s.kafka();
        if (k == null || s.examplesTopic() == null || s.modelTopic() == null) {
            throw new IllegalArgumentException("--bootstrap, --examples-topic and --model-topic are required");
        }
        k.prepare(env, s.examplesTopic(), s.modelTopic(), s.deadLetterTopic());
        // distinct from any inference job's prefix, so that the two jobs' transactions never fence each other
        String txPrefix = k.transactionPrefix("train-", s.modelTopic());
        new TrainingJob(
                KafkaConnectors.source(k.kafka(), s.examplesTopic(), k.groupId(), false, k.bounded()),
                KafkaConnectors.sink(k.kafka(), s.modelTopic(), k.delivery(), txPrefix),
                KafkaConnectors.sink(k.kafka(), s.deadLetterTopic(), k.delivery(), txPrefix + "-dlq"),
                s.forTrainer()).build(env, uidPrefix);
    }
}
