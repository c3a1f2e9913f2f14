package io.stepwise.local.kafka;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) inside this JVM, from
 * Kafka's own artifacts: for the demo and for end-to-end tests. It listens on a free local port;
 * {@link #bootstrapServers()} says which.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** The name of the listener clients connect to. */
    private static final String LISTENER = "EXTERNAL";

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts a broker whose logs live under {@code dir} (deleted on close), or a temp folder when null. */
    public static EmbeddedKafka start(Path dir) throws Exception {
        return start(dir, SecurityProtocol.PLAINTEXT, Map.of());
    }

    /**
     * Starts a broker whose client listener requires SASL/PLAIN authentication (SASL_PLAINTEXT) by one
     * of {@code users} (name to password), as a secured cluster would: for trying and testing
     * {@code --kafka-config}. Anyone authenticated may do anything (no ACLs). The broker's own
     * connections to itself authenticate as {@code users}' first entry.
     */
    public static EmbeddedKafka startWithSaslPlain(Path dir, Map<String, String> users) throws Exception {
        if (users.isEmpty()) {
            throw new IllegalArgumentException("a SASL/PLAIN broker needs at least one user");
        }
        Map.Entry<String, String> self = users.entrySet().iterator().next();
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required")
                .append(" username=\"").append(self.getKey()).append("\" password=\"").append(self.getValue()).append('"');
        users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        jaas.append(';');
        return start(dir, SecurityProtocol.SASL_PLAINTEXT, Map.of(
                // the listener's own JAAS configuration, which takes precedence over the test kit's JVM-wide one
                "listener.name." + LISTENER.toLowerCase(java.util.Locale.ROOT) + ".plain.sasl.jaas.config", jaas.toString(),
                "sasl.enabled.mechanisms", "PLAIN",
                "sasl.mechanism.inter.broker.protocol", "PLAIN",
                // authentication only: no authorizer, so no ACLs to grant
                "authorizer.class.name", ""));
    }

    private static EmbeddedKafka start(Path dir, SecurityProtocol protocol, Map<String, String> more) throws Exception {
        TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBrokerListenerName(new ListenerName(LISTENER))
                .setBrokerSecurityProtocol(protocol);
        if (dir != null) {
            nodes.setBaseDirectory(dir);
        }
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build())
                // one broker: internal topics and transactions cannot have more replicas than that
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("num.partitions", "2");
        more.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
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
