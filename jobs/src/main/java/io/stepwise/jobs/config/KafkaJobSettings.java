package io.stepwise.jobs.config;

import io.stepwise.kafka.KafkaClient;
import io.stepwise.kafka.KafkaConnectors;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * How a job meets Kafka and commits: the cluster and its client properties, the consumer group,
 * the checkpoint interval (Kafka transactions commit with checkpoints, so results become visible
 * at this pace), the delivery guarantee, and the partitions of topics the job creates. Shared by
 * the inference and the training job, and declared once as options ({@link #OPTIONS}).
 *
 * @param kafka              the cluster: bootstrap servers and client properties (security)
 * @param groupId            consumer group; a restarted job resumes at its committed offsets
 * @param checkpointInterval how often state and Kafka transactions are committed
 * @param delivery           EXACTLY_ONCE (transactional sinks, the default) or AT_LEAST_ONCE
 * @param bounded            stop at the offsets current at start (tests, catching up), instead of running on
 * @param partitions         partitions of topics this job creates; they bound the source parallelism
 * @param bufferTimeout      the longest a record waits in a partly filled network buffer between two operators
 */
public record KafkaJobSettings(KafkaClient kafka, String groupId, Duration checkpointInterval, DeliveryGuarantee delivery,
                               boolean bounded, int partitions, Duration bufferTimeout) implements Serializable {

    /** See {@link #prepare}; measured against 1 ms and 100 ms in docs/benchmarks.md ("After: ..."). */
    public static final Duration DEFAULT_BUFFER_TIMEOUT = Duration.ofMillis(5);

    public KafkaJobSettings {
        if (kafka == null) {
            throw new IllegalArgumentException("--bootstrap is required: the Kafka bootstrap servers, HOST:PORT[,HOST:PORT]");
        }
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("--group-id must not be empty");
        }
        if (checkpointInterval == null || checkpointInterval.toMillis() < 10) {
            throw new IllegalArgumentException("--checkpoint-interval must be at least 10ms, got " + checkpointInterval);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
        }
        if (bufferTimeout == null || bufferTimeout.isNegative()) {
            throw new IllegalArgumentException("--buffer-timeout must not be negative, got " + bufferTimeout);
        }
    }

    /**
     * Readies {@code env} for a job on these settings: creates the {@code topics} that do not exist
     * yet and checkpoints at the interval, exactly-once, since the Kafka transactions commit with them.
     *
     * <p>It also bounds how long a record waits in a network buffer on its way from the source to the
     * keyed operator. Flink's own bound, 100 ms, is tuned for throughput: below a few thousand
     * records per second per channel a buffer takes that long to fill, and at-least-once results wait
     * for it. Under load the buffers fill long before the bound, so a short one costs little.
     */
    public void prepare(StreamExecutionEnvironment env, String... topics) {
        KafkaConnectors.ensureTopics(kafka, new LinkedHashSet<>(List.of(topics)), partitions);
        env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.setBufferTimeout(bufferTimeout.toMillis());
    }

    /** A transactional-id prefix for a job of {@code role} writing to {@code topic}: unique per job, so no two fence each other. */
    public String transactionPrefix(String role, String topic) {
        return "stepwise-" + role + groupId + "-" + topic;
    }

    public static Builder builder(String defaultGroupId) {
        return new Builder(defaultGroupId);
    }

    /** Builds {@link KafkaJobSettings}; every field starts at its default. */
    public static final class Builder {
        private String bootstrap;
        private Map<String, String> properties = Map.of();
        private String groupId;
        private Duration checkpointInterval = Duration.ofSeconds(5);
        private DeliveryGuarantee delivery = DeliveryGuarantee.EXACTLY_ONCE;
        private boolean bounded;
        private int partitions = 2;
        private Duration bufferTimeout = DEFAULT_BUFFER_TIMEOUT;

        Builder(String defaultGroupId) {
            this.groupId = defaultGroupId;
        }

        public Builder bootstrap(String servers) {
            bootstrap = servers;
            return this;
        }

        /** Client properties such as {@code security.protocol} and {@code sasl.jaas.config}. */
        public Builder clientProperties(Map<String, String> p) {
            properties = Map.copyOf(p);
            return this;
        }

        public Builder kafka(KafkaClient client) {
            bootstrap = client.bootstrap();
            properties = client.properties();
            return this;
        }

        public Builder groupId(String g) {
            groupId = g;
            return this;
        }

        public Builder checkpointInterval(Duration d) {
            checkpointInterval = d;
            return this;
        }

        public Builder delivery(DeliveryGuarantee d) {
            delivery = d;
            return this;
        }

        public Builder bounded(boolean b) {
            bounded = b;
            return this;
        }

        public Builder partitions(int n) {
            partitions = n;
            return this;
        }

        public Builder bufferTimeout(Duration d) {
            bufferTimeout = d;
            return this;
        }

        public Duration bufferTimeout() {
            return bufferTimeout;
        }

        public String groupId() {
            return groupId;
        }

        public Duration checkpointInterval() {
            return checkpointInterval;
        }

        public int partitions() {
            return partitions;
        }

        /** The cluster these settings reach: the bootstrap servers and the client properties. */
        public KafkaClient client() {
            if (bootstrap == null) {
                throw new IllegalArgumentException("--bootstrap is required: the Kafka bootstrap servers, HOST:PORT[,HOST:PORT]");
            }
            return new KafkaClient(bootstrap, properties);
        }

        public KafkaJobSettings build() {
            return new KafkaJobSettings(bootstrap == null ? null : new KafkaClient(bootstrap, properties), groupId,
                    checkpointInterval, delivery, bounded, partitions, bufferTimeout);
        }
    }

    /** How to reach the cluster: the options of every job and command that talks to Kafka. */
    public static final OptionGroup<Builder> CLIENT_OPTIONS = new OptionGroup<>("Kafka",
            JobOption.<Builder>value("--bootstrap", "HOST:PORT", "Kafka bootstrap servers.", null, Builder::bootstrap),
            JobOption.<Builder>value("--kafka-config", "FILE",
                    "Kafka client properties (security.protocol, sasl.*, ssl.*, ...) for every source, sink and admin client.", null,
                    (b, v) -> b.clientProperties(KafkaClient.readProperties(Path.of(v)))));

    /** How a job consumes, commits and creates topics. */
    public static final OptionGroup<Builder> JOB_OPTIONS = new OptionGroup<>("Checkpoints and delivery",
            JobOption.<Builder>value("--group-id", "ID", "Consumer group; a restarted job resumes at its offsets.",
                    Builder::groupId, Builder::groupId),
            JobOption.<Builder>value("--checkpoint-interval", "DURATION",
                    "Checkpoint interval; results are committed to Kafka at this pace.", Builder::checkpointInterval,
                    (b, v) -> b.checkpointInterval(Durations.parse(v, "--checkpoint-interval"))),
            JobOption.<Builder>flag("--at-least-once",
                    "Write without transactions (lower latency; duplicates possible after a failure).",
                    (b, v) -> b.delivery(DeliveryGuarantee.AT_LEAST_ONCE)),
            JobOption.<Builder>value("--partitions", "N", "Partitions of topics this job creates.", Builder::partitions,
                    (b, v) -> b.partitions(OptionGroup.positive("--partitions", v))),
            JobOption.<Builder>value("--buffer-timeout", "DURATION",
                    "Longest a record waits in a partly filled network buffer between operators (0ms: flush every record; "
                            + "Flink's own default is 100ms).", Builder::bufferTimeout,
                    (b, v) -> b.bufferTimeout(Durations.parse(v, "--buffer-timeout"))));
}
