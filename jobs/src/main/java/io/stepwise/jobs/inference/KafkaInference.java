package io.stepwise.jobs.inference;

import io.stepwise.jobs.config.KafkaJobSettings;
import io.stepwise.kafka.KafkaConnectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The inference job wired to Kafka: its settings applied to an environment. */
public final class KafkaInference {

    private KafkaInference() {
    }

    /** Creates missing topics, enables checkpointing and adds the job to {@code env}. */
    public static void configure(StreamExecutionEnvironment env, InferenceSettings s) {
        configure(env, s, "");
    }

    /** {@link #configure(StreamExecutionEnvironment, InferenceSettings)} with a uid prefix, for several pipelines in one job. */
    public static void configure(StreamExecutionEnvironment env, InferenceSettings s, String uidPrefix) {
        KafkaJobSettings k = s.kafka();
        k.prepare(env, s.inputTopic(), s.outputTopic(), s.modelTopic(), s.deadLetterTopic());
        String txPrefix = k.transactionPrefix("", s.outputTopic());
        new InferenceJob(
                KafkaConnectors.source(k.kafka(), s.inputTopic(), k.groupId(), false, k.bounded()),
                KafkaConnectors.source(k.kafka(), s.modelTopic(), k.groupId() + "-models", true, k.bounded()),
                KafkaConnectors.sink(k.kafka(), s.outputTopic(), k.delivery(), txPrefix),
                KafkaConnectors.sink(k.kafka(), s.deadLetterTopic(), k.delivery(), txPrefix + "-dlq"),
                s.serving(), s.initialModel()).build(env, uidPrefix);
    }
}
