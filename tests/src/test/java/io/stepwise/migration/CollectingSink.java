package io.stepwise.migration;

import io.stepwise.wire.KeyedJson;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that hands what a job emits to the code that started it. The MiniCluster runs in this
 * JVM, so the writers (on deserialized copies of the sink) find the same queue by id. Stateless on
 * purpose: the savepoint then holds no sink state that a later sink would have to take over.
 */
final class CollectingSink implements Sink<KeyedJson> {

    private static final Map<String, Queue<KeyedJson>> COLLECTED = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    CollectingSink() {
        COLLECTED.put(id, new ConcurrentLinkedQueue<>());
    }

    /** What the writers received so far, in arrival order. */
    List<KeyedJson> records() {
        return List.copyOf(COLLECTED.get(id));
    }

    @Override
    public SinkWriter<KeyedJson> createWriter(WriterInitContext context) {
        Queue<KeyedJson> queue = COLLECTED.get(id);
        return new SinkWriter<>() {
            @Override
            public void write(KeyedJson record, Context ctx) {
                queue.add(record);
            }

            @Override
            public void flush(boolean endOfInput) {
            }

            @Override
            public void close() {
            }
        };
    }
}
