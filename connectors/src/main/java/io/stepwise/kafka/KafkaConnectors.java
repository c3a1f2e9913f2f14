package io.stepwise.kafka;

import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.RawRecord;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The Kafka ends of the jobs: sources of raw records, sinks of keyed JSON, and topic creation.
 *
 * <p>Sinks are transactional (exactly-once) by default: results become visible to
 * {@code isolation.level=read_committed} consumers when the checkpoint that covers them completes.
 * The producer's transaction timeout must stay below the broker's
 * {@code transaction.max.timeout.ms} (15 minutes by default) yet above the longest expected
 * checkpoint plus restart time: {@link #TRANSACTION_TIMEOUT}.
 */
public final class KafkaConnectors {

    public static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

    private KafkaConnectors() {
    }

    /**
     * Records of {@code topic}. Elements start from the group's committed offsets (earliest for a
     * new group); the model topic is always read from its beginning so that the newest valid
     * version announced wins. A bounded source stops at the offsets current when the job starts.
     */
    public static KafkaSource<RawRecord> source(KafkaClient kafka, String topic, String groupId, boolean fromBeginning, boolean bounded) {
        KafkaSourceBuilder<RawRecord> b = KafkaSource.<RawRecord>builder()
                .setProperties(kafka.clientProperties())
                .setBootstrapServers(kafka.bootstrap())
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(fromBeginning ? OffsetsInitializer.earliest() : OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawRecordDeserializer())
                // producers upstream may be transactional too: never read what they aborted
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "true")
                .setProperty("partition.discovery.interval.ms", "10000");
        if (bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /** A sink to {@code topic}; {@code transactionalIdPrefix} must be unique per job on a cluster. */
    public static KafkaSink<KeyedJson> sink(KafkaClient kafka, String topic, DeliveryGuarantee guarantee, String transactionalIdPrefix) {
        return KafkaSink.<KeyedJson>builder()
                .setKafkaProducerConfig(kafka.clientProperties())
                .setBootstrapServers(kafka.bootstrap())
                .setRecordSerializer(new KeyedJsonSerializer(topic))
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setProperty("transaction.timeout.ms", String.valueOf(TRANSACTION_TIMEOUT.toMillis()))
                .build();
    }

    /** Creates the topics that do not exist yet, with {@code partitions} partitions each. */
    public static void ensureTopics(KafkaClient kafka, Set<String> topics, int partitions) {
        String bootstrap = kafka.bootstrap();
        Properties p = kafka.clientProperties();
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get();
            for (String t : topics) {
                if (existing.contains(t)) {
                    continue;
                }
                try {
                    admin.createTopics(java.util.List.of(new NewTopic(t, partitions, (short) 1))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + t + " on " + bootstrap + ": " + e.getCause().getMessage(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot reach Kafka at " + bootstrap + ": " + e.getCause().getMessage(), e);
        }
    }

    /** Producer properties for a client that writes elements or announcements (idempotent, acks=all). */
    public static Properties producerProperties(KafkaClient kafka) {
        Properties p = kafka.clientProperties();
        p.putAll(Map.of("acks", "all", "enable.idempotence", "true",
                "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
                "value.serializer", "org.apache.kafka.common.serialization.StringSerializer"));
        return p;
    }

    /** Consumer properties for reading results as they are committed ({@code read_committed}). */
    public static Properties committedReaderProperties(KafkaClient kafka, String groupId) {
        Properties p = kafka.clientProperties();
        p.putAll(Map.of("group.id", groupId, "isolation.level", "read_committed",
                "auto.offset.reset", "earliest", "enable.auto.commit", "false",
                "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
                "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"));
        return p;
    }
}
