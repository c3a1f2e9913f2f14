package io.stepwise.e2e;

import io.stepwise.local.kafka.EmbeddedKafka;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Kafka broker in this JVM per test class ({@link EmbeddedKafka}, KRaft, a free port):
 * started before the first test, stopped after the last. Topics are not cleaned between tests, so
 * each test names its own. Register it as a static field with {@code @RegisterExtension}.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedKafka kafka;

    /** The broker's {@code host:port}, for producers, consumers and jobs. */
    public String bootstrapServers() {
        if (kafka == null) {
            throw new IllegalStateException("the embedded Kafka broker has not started (or failed to)");
        }
        return kafka.bootstrapServers();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        // its logs in a temporary folder that closing deletes
        kafka = EmbeddedKafka.start(null);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }
}
