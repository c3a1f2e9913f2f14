package io.stepwise.local.kafka;

import java.nio.file.Path;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) inside this JVM, from
 * Kafka's own artifacts: for the demo and for end-to-end tests. It listens on a free local port;
 * {@link #bootstrapServers()} says which.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts a broker whose logs live under {@code dir} (deleted on close), or a temp folder when null. */
    public static EmbeddedKafka start(Path dir) throws Exception {
        TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1);
        if (dir != null) {
            nodes.setBaseDirectory(dir);
        }
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes.build())
                // one broker: internal topics and transactions cannot have more replicas than that
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("num.partitions", "2")
                .build();
        try {
            quietly(cluster::format);
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new EmbeddedKafka(cluster);
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Formatting prints its bootstrap metadata to standard output, which belongs to the caller here. */
    private static void quietly(Step step) throws Exception {
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            step.run();
        } finally {
            System.setOut(out);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
