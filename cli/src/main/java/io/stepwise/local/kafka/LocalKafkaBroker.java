package io.stepwise.local.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka broker (KRaft: broker and controller in one process) on a fixed port, for
 * local use: what {@code kafka-storage.sh format} and {@code kafka-server-start.sh} do, from Kafka's
 * own classes. Its data stays in {@code dir}, so a restart keeps the topics.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    private final KafkaRaftServer server;
    private final int port;

    private LocalKafkaBroker(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Formats {@code dir} on first use, then starts the broker; returns once it serves. */
    public static LocalKafkaBroker start(int port, int controllerPort, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path logs = dir.resolve("logs");
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", logs.toString());
        // one broker: internal topics cannot have more replicas than that
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "2");
        Path config = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            p.store(out, "written by stepwise kafka");
        }
        if (!Files.exists(logs.resolve("meta.properties"))) {
            ByteArrayOutputStream msg = new ByteArrayOutputStream();
            int rc = StorageTool.execute(new String[]{"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                    new PrintStream(msg, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IOException("formatting " + logs + " failed: " + msg.toString(StandardCharsets.UTF_8).strip());
            }
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
        server.startup();
        return new LocalKafkaBroker(server, port);
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** Blocks until {@link #close()} (from a shutdown hook, say) has stopped the broker. */
    public void awaitShutdown() {
        server.awaitShutdown();
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
