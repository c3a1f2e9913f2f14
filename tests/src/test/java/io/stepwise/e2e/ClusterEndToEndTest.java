package io.stepwise.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stepwise.model.TaggerModel;
import io.stepwise.wire.Element;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The inference job on a real multi-process deployment ({@link ClusterDeployment}): a Kafka broker
 * process, a JobManager and two TaskManager processes, the job submitted as a thin jar.
 */
class ClusterEndToEndTest {

    @RegisterExtension
    static final ClusterDeploymentExtension CLUSTER = new ClusterDeploymentExtension("cluster-e2e");

    @Test
    void aThousandStreamsOnTwoTaskManagersEqualOfflineAndContinueFromASavepointAtAnotherParallelism() throws Exception {
        ClusterDeployment d = CLUSTER.deployment();
        TaggerModel model = Workloads.tagger(1, 11);
        List<Element> input = Workloads.sentences(1000, 2, 1, 5);
        // cut in the middle: most streams are inside a sentence at the savepoint
        List<Element> first = input.subList(0, input.size() / 2);
        List<Element> second = input.subList(input.size() / 2, input.size());

        String job = d.submit("thousand", model, "--parallelism", "2");
        KafkaTopics.produce(d.kafka.bootstrapServers(), ClusterDeployment.input("thousand"), Workloads.records(first));
        try (KafkaTopics.Reader out = new KafkaTopics.Reader(d.kafka.bootstrapServers(), ClusterDeployment.output("thousand"))) {
            await().atMost(Duration.ofMinutes(2)).until(() -> out.poll().size() >= ResultChecks.resultsFor(first));
            assertThat(d.jobs.taskManagersOf(job, "running inference"))
                    .as("the keyed operator's two subtasks run in both TaskManager processes: %s", d.jobs.placement(job))
                    .containsExactlyInAnyOrderElementsOf(d.cluster.taskManagers().keySet());
            reportStatePerStream(d, job, openStreams(first));

            String savepoint = d.stopWithSavepoint(job);
            KafkaTopics.produce(d.kafka.bootstrapServers(), ClusterDeployment.input("thousand"), Workloads.records(second));
            String resumed = d.submit("thousand", model, "--parallelism", "3", "--from-savepoint", savepoint);

            await().atMost(Duration.ofMinutes(2)).until(() -> out.poll().size() >= ResultChecks.resultsFor(input));
            d.awaitTwoMoreCheckpoints(resumed);
            // the same (h, c) after the savepoint as without one: the whole input equals one offline pass
            ResultChecks.assertSameAsOffline(model, input, ResultChecks.byStreamAndSeq(out.poll()));
        }
    }

    @Test
    void theJobsJarRunByFlinksOwnClientWithTheMainClassGivesWhatOfflinePredictionGives() throws Exception {
        ClusterDeployment d = CLUSTER.deployment();
        TaggerModel model = Workloads.tagger(3, 11);
        List<Element> input = Workloads.sentences(300, 2, 1, 6);

        d.submitLikeFlinkRun("flink-run", model, 2);
        KafkaTopics.produce(d.kafka.bootstrapServers(), ClusterDeployment.input("flink-run"), Workloads.records(input));
        try (KafkaTopics.Reader out = new KafkaTopics.Reader(d.kafka.bootstrapServers(), ClusterDeployment.output("flink-run"))) {
            await().atMost(Duration.ofMinutes(2)).until(() -> out.poll().size() >= ResultChecks.resultsFor(input));
            ResultChecks.assertSameAsOffline(model, input, ResultChecks.byStreamAndSeq(out.poll()));
        }
    }

    /** Streams inside a sentence after {@code elements}: those that hold state. */
    private static long openStreams(List<Element> elements) {
        Map<String, Boolean> open = new HashMap<>();
        elements.forEach(e -> open.put(e.stream(), !e.end()));
        return open.values().stream().filter(o -> o).count();
    }

    private static void reportStatePerStream(ClusterDeployment d, String job, long streams) throws Exception {
        d.awaitTwoMoreCheckpoints(job);
        long bytes = d.jobs.checkpointedStateBytes(job, "running inference");
        System.out.printf("hashmap backend: running-inference checkpoint %d bytes for %d open streams = %.0f bytes per stream"
                + " (tagger, LSTM hidden 12, 1 layer; the bytes include the broadcast model version)%n",
                bytes, streams, (double) bytes / streams);
    }
}
