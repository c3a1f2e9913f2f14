package io.stepwise.pipeline;

import io.stepwise.kafka.KafkaClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;

/**
 * The topics of one row: created before it runs and deleted after, so that rows start alike and a
 * long benchmark does not fill the broker's disk. Replicas: the broker's default. The output topic stamps records with the time
 * the broker appends them ({@code LogAppendTime}), which {@link SteadyRate} times the row by.
 */
final class BenchTopics implements AutoCloseable {

    private final KafkaClient kafka;
    private final List<String> created = new ArrayList<>();
    final String input;
    final String output;
    final String models;

    BenchTopics(KafkaClient kafka, String prefix, int partitions) {
        this.kafka = kafka;
        this.input = prefix + "-elements";
        this.output = prefix + "-results";
        this.models = prefix + "-models";
        create(List.of(
                new NewTopic(input, Optional.of(partitions), Optional.empty()),
                new NewTopic(output, Optional.of(partitions), Optional.empty()).configs(Map.of("message.timestamp.type", "LogAppendTime")),
                new NewTopic(models, Optional.of(1), Optional.empty())));
    }

    /** The job's dead-letter topic, which the job creates itself; deleted with the others. */
    String deadLetters() {
        return output + "-dead-letters";
    }

    private Admin admin() {
        Properties p = kafka.clientProperties();
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(p);
    }

    private void create(List<NewTopic> topics) {
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            topics.forEach(t -> created.add(t.name()));
            awaitLeaders(admin, topics.stream().map(NewTopic::name).toList());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the benchmark's topics on " + kafka.bootstrap() + ": "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * Waits until every partition's leader serves it. A producer that writes to a partition whose
     * leader is not ready gets NOT_LEADER_OR_FOLLOWER for its first batch while later in-flight
     * batches may be taken, and an idempotent producer is then refused its own retries
     * (OUT_OF_ORDER_SEQUENCE_NUMBER) until its records expire. The metadata names a leader before
     * the leader serves the partition, so ask the leader itself: ListOffsets is answered by it alone.
     */
    private static void awaitLeaders(Admin admin, List<String> names) throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values().forEach(d ->
                        d.partitions().forEach(p -> partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
                admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw e;
                }
                // created, but not yet served by its leader
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the partitions of " + names + " are not served by a leader after 60 s");
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        List<String> all = new ArrayList<>(created);
        all.add(deadLetters());
        try (Admin admin = admin()) {
            var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            all.retainAll(existing);
            admin.deleteTopics(all).all().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // leftover topics only cost disk space; the results stand
            System.err.println("bench pipeline: could not delete the topics " + all + ": " + e.getMessage());
        }
    }
}
