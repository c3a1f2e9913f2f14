package io.stepwise.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.kafka.KafkaClient;
import io.stepwise.kafka.KafkaConnectors;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker behind `stepwise kafka`: formatted once, serving on its port, keeping data across a restart. */
class LocalKafkaBrokerTest {

    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static List<String> readAll(String bootstrap, String topic) {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(KafkaConnectors.committedReaderProperties(KafkaClient.of(bootstrap), "t-" + System.nanoTime()))) {
            c.subscribe(List.of(topic));
            List<String> values = new ArrayList<>();
            long until = System.currentTimeMillis() + 30_000;
            while (values.isEmpty() && System.currentTimeMillis() < until) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
            return values;
        }
    }

    @Test
    void servesOnItsPortAndKeepsTopicsAcrossARestart() throws Exception {
        int port = freePort();
        int controller = freePort();
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(port, controller, dir)) {
            assertThat(broker.bootstrapServers()).isEqualTo("localhost:" + port);
            KafkaConnectors.ensureTopics(KafkaClient.of(broker.bootstrapServers()), Set.of("t"), 1);
            try (KafkaProducer<String, String> p = new KafkaProducer<>(KafkaConnectors.producerProperties(KafkaClient.of(broker.bootstrapServers())))) {
                p.send(new ProducerRecord<>("t", "k", "hello")).get();
            }
        }
        try (LocalKafkaBroker again = LocalKafkaBroker.start(port, controller, dir)) {
            assertThat(readAll(again.bootstrapServers(), "t")).containsExactly("hello");
        }
    }
}
