package io.stepwise.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How a Stepwise client reaches a Kafka cluster: the bootstrap servers and any client properties
 * the cluster requires ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, ...), applied to
 * every source, sink, producer, consumer and admin client Stepwise makes.
 *
 * <p>The properties may hold secrets (a SASL password, a key store password), so {@link #toString}
 * names their keys only, and nothing here logs them.
 */
public record KafkaClient(String bootstrap, Map<String, String> properties) implements java.io.Serializable {

    public KafkaClient {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers are needed (HOST:PORT[,HOST:PORT])");
        }
        properties = Map.copyOf(properties);
        if (properties.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("give the bootstrap servers with --bootstrap, not in the client properties");
        }
    }

    /** A cluster reached without client properties (plaintext, no authentication). */
    public static KafkaClient of(String bootstrap) {
        return new KafkaClient(bootstrap, Map.of());
    }

    /** The client properties in a Java properties file, e.g. {@code security.protocol=SASL_SSL}. */
    public static Map<String, String> readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Kafka client properties in " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    public KafkaClient withProperties(Map<String, String> more) {
        Map<String, String> all = new TreeMap<>(properties);
        all.putAll(more);
        return new KafkaClient(bootstrap, all);
    }

    /** The bootstrap servers and the client properties, for a Kafka client of any kind. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.putAll(properties);
        p.put("bootstrap.servers", bootstrap);
        return p;
    }

    /** Names the properties but never shows their values, which may be secrets. */
    @Override
    public String toString() {
        return "KafkaClient{bootstrap=" + bootstrap + (properties.isEmpty() ? "" : ", properties=" + new TreeMap<>(properties).keySet()) + "}";
    }
}
