package io.stepwise.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stepwise.model.SumModel;
import io.stepwise.wire.Element;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TaskManager processes killed with SIGKILL under a running job, on a real multi-process
 * deployment ({@link ClusterDeployment}). Slow (a few minutes on two cores), so it runs in the
 * {@code faults} profile: {@code ./mvnw -B verify -Pfaults}, which {@code .ci/run} runs too.
 */
@Tag("faults")
class ClusterFaultsEndToEndTest {

    @RegisterExtension
    static final ClusterDeploymentExtension CLUSTER = new ClusterDeploymentExtension("cluster-faults-e2e");

    @Test
    void killingATaskManagerThreeTimesMidStreamLosesAndDoublesNothingOnRocksDb() throws Exception {
        ClusterDeployment d = CLUSTER.deployment();
        SumModel model = Workloads.sum(1, 3);
        int streams = 300;
        List<List<Element>> chunks = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            // meter streams run on across all chunks: a restore with lost or stale (h, c) would show in every later sum
            chunks.add(Workloads.numbers(streams, 6, 1 + 6L * k, 40 + k));
        }
        String job = d.submit("kills", model, "--parallelism", "2", "--state-backend", "rocksdb");
        List<Element> all = new ArrayList<>();
        List<String> killed = new ArrayList<>();
        try (KafkaTopics.Reader out = new KafkaTopics.Reader(d.kafka.bootstrapServers(), ClusterDeployment.output("kills"))) {
            for (int k = 0; k < chunks.size(); k++) {
                List<Element> chunk = chunks.get(k);
                KafkaTopics.produce(d.kafka.bootstrapServers(), ClusterDeployment.input("kills"), Workloads.records(chunk));
                all.addAll(chunk);
                if (k == chunks.size() - 1) {
                    break;
                }
                // mid-stream: part of this chunk committed, the rest in flight or not yet read
                long some = all.size() - chunk.size() / 2;
                await().atMost(Duration.ofMinutes(3)).until(() -> out.poll().size() >= some);
                String victim = d.jobs.taskManagersOf(job, "running inference").iterator().next();
                assertThat(d.cluster.taskManagers()).as("a live TaskManager runs the job").containsKey(victim);
                d.cluster.killTaskManager(victim);
                killed.add(victim);
                d.cluster.startTaskManager();
                // the next kill must meet the restored job, not the failing one
                await().atMost(Duration.ofMinutes(2)).until(() -> d.jobs.failures(job) >= killed.size() && d.jobs.allRunning(job));
            }
            await().atMost(Duration.ofMinutes(3)).until(() -> out.poll().size() >= all.size());
            d.awaitTwoMoreCheckpoints(job);

            assertThat(killed).as("three different TaskManager processes killed").doesNotHaveDuplicates().hasSize(3);
            assertThat(d.jobs.failures(job)).as("the job failed over after each kill").isGreaterThanOrEqualTo(3);
            ResultChecks.assertSameAsOffline(model, all, ResultChecks.byStreamAndSeq(out.poll()));

            long bytes = d.jobs.checkpointedStateBytes(job, "running inference");
            System.out.printf("rocksdb backend: running-inference checkpoint %d bytes for %d active streams = %.0f bytes per stream"
                    + " (sum model, LSTM hidden 10, 1 layer; the bytes include the broadcast model version)%n",
                    bytes, streams, (double) bytes / streams);
        }
    }
}
