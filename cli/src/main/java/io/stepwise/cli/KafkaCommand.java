package io.stepwise.cli;

import io.stepwise.local.kafka.LocalKafkaBroker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A real single-node Kafka broker in the foreground, for local use. */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        header = "Runs a single-node Kafka broker (KRaft) in the foreground.",
        description = {
            "Starts a real Kafka broker from Kafka's own artifacts: broker and controller in one",
            "process, data under --dir (kept across restarts). Ctrl-C stops it cleanly."})
public final class KafkaCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "9092", description = "Client port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--controller-port", defaultValue = "9093", description = "KRaft controller port (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(names = "--dir", defaultValue = "target/kafka", description = "Data folder (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        LocalKafkaBroker broker = LocalKafkaBroker.start(port, controllerPort, dir.toAbsolutePath());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("stepwise kafka: stopping");
            broker.close();
        }, "kafka-shutdown"));
        System.err.println("stepwise kafka: broker ready at " + broker.bootstrapServers() + " (data in " + dir.toAbsolutePath()
                + "); Ctrl-C stops it");
        broker.awaitShutdown();
        return 0;
    }
}
