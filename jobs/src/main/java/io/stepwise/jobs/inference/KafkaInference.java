package io.stepwise.jobs.inference;

import io.stepwise.jobs.config.KafkaJobSettings;
import io.stepwise.kafka.KafkaConnectors;
import io.stepwise.wire.RawRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
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
        TypeInformation<RawRecord> raw = TypeInformation.of(RawRecord.class);
        DataStream<RawRecord> elements = env.fromSource(KafkaConnectors.source(k.kafka(), s.inputTopic(), k.groupId(), false, k.bounded()),
                WatermarkStrategy.noWatermarks(), uidPrefix + "elements", raw).uid(uidPrefix + "elements-source");
        // announcements are few, and every instance of the keyed operator gets each one
        DataStream<RawRecord> modelRecords = env.fromSource(
                        KafkaConnectors.source(k.kafka(), s.modelTopic(), k.groupId() + "-models", true, k.bounded()),
                        WatermarkStrategy.noWatermarks(), uidPrefix + "model versions", raw)
                .uid(uidPrefix + "model-versions-source").setParallelism(1);
        InferenceJob.wire(elements, modelRecords,
                KafkaConnectors.sink(k.kafka(), s.outputTopic(), k.delivery(), txPrefix),
                KafkaConnectors.sink(k.kafka(), s.deadLetterTopic(), k.delivery(), txPrefix + "-dlq"),
                s.serving(), s.initialModel(), uidPrefix);
    }
}
