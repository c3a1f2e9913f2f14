package io.stepwise.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.jobs.inference.InferenceSettings;
import io.stepwise.jobs.inference.KafkaInference;
import io.stepwise.jobs.training.KafkaTraining;
import io.stepwise.jobs.training.TrainingSettings;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelKind;
import io.stepwise.model.TaggerModel;
import io.stepwise.modelstream.ModelVersionLoader;
import io.stepwise.predict.OfflinePredictor;
import io.stepwise.wire.Element;
import io.stepwise.wire.LabelledExample;
import io.stepwise.wire.ModelAnnouncement;
import io.stepwise.wire.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training job and the inference job side by side, as two Flink jobs on one MiniCluster with a
 * real Kafka broker in this JVM: labelled examples go in, the training job announces a better
 * version on the model topic, and the running inference job switches to it without a restart and
 * without losing or doubling a result.
 */
class TrainingEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(2)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path modelDir;

    @Test
    void examplesInVersionsOutAndTheRunningInferenceJobSwitchesToThemWithNothingLost(@InjectMiniCluster MiniCluster cluster) throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        TaggerModel v1 = Workloads.tagger(1, 11);
        byte[] v1File = ModelFile.toBytes(v1);
        // short checkpoint intervals: results and announcements become visible as checkpoints complete
        InferenceSettings.Builder ib = InferenceSettings.builder().bootstrap(bootstrap).inputTopic("side-in").outputTopic("side-out")
                .modelTopic("side-models").initialModel(v1File);
        ib.kafka().groupId("side-infer").checkpointInterval(Duration.ofMillis(500));
        // the training job's files are fetched from its model folder, which the inference job must allow
        ib.serving().allowModelUri(modelDir.toString());
        InferenceSettings infer = ib.build();
        TrainingSettings.Builder tb = TrainingSettings.builder().bootstrap(bootstrap).examplesTopic("side-examples").modelTopic("side-models")
                .kind(ModelKind.TAGGER).name("tagger").modelDir(modelDir.toUri().toString())
                .startModel(v1File).publishEvery(80).evalFraction(0.25).roundEpochs(15).roundBudget(Duration.ofSeconds(20))
                .batchSize(8).learningRate(0.02).minCount(1);
        tb.kafka().groupId("side-train").checkpointInterval(Duration.ofMillis(500));
        TrainingSettings train = tb.build();

        // 1. start both jobs
        StreamExecutionEnvironment inferEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        inferEnv.setParallelism(2);
        KafkaInference.configure(inferEnv, infer);
        JobClient inference = inferEnv.executeAsync("inference");
        StreamExecutionEnvironment trainEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        trainEnv.setParallelism(1);
        KafkaTraining.configure(trainEnv, train);
        JobClient training = trainEnv.executeAsync("training");

        try (KafkaTopics.Reader out = new KafkaTopics.Reader(bootstrap, infer.outputTopic());
             KafkaTopics.Reader models = new KafkaTopics.Reader(bootstrap, train.modelTopic());
             KafkaTopics.Reader trainDead = new KafkaTopics.Reader(bootstrap, train.deadLetterTopic())) {
            // 2. streams served by version 1, and the first one-word sentence of a probe stream that will outlive it
            List<Element> first = new ArrayList<>(Workloads.sentences(30, 2, 1, 31));
            first.addAll(probe(1));
            KafkaTopics.produce(bootstrap, infer.inputTopic(), Workloads.records(first));
            long n1 = tokens(first);
            await().atMost(Duration.ofSeconds(30)).until(() -> out.poll().size() >= n1);

            // 3. labelled examples, two of them bad, for the training job
            List<LabelledExample> examples = TaggedExamples.sentences(80, 32);
            List<String[]> records = new ArrayList<>(TaggedExamples.records(examples));
            records.add(10, new String[]{"bad-1", "{\"tokens\":[\"the\"],\"tags\":[\"DET\",\"NOUN\"]}"});
            records.add(50, new String[]{"bad-2", "{\"values\":[1,2,3]}"});
            KafkaTopics.produce(bootstrap, train.examplesTopic(), records);

            await().atMost(Duration.ofSeconds(30)).until(() -> models.poll().size() >= 1);
            ModelAnnouncement v2Announced = ModelAnnouncement.parse(models.poll().get(0).value());
            assertThat(models.poll().get(0).key()).isEqualTo("tagger");
            assertThat(v2Announced.version()).isEqualTo(2);
            assertThat(v2Announced.uri()).startsWith(modelDir.toUri().toString().replaceFirst("/$", ""));
            JsonNode eval = JSON.readTree(v2Announced.eval());
            assertThat(eval.get("accuracy").asDouble()).isGreaterThan(eval.get("serving_accuracy").asDouble());
            TaggerModel v2 = (TaggerModel) ModelVersionLoader.load(v2Announced, infer.serving().admission()).model();
            assertThat(v2.words().contains("bird")).as("a word only the examples had").isTrue();

            await().atMost(Duration.ofSeconds(30)).until(() -> trainDead.poll().size() >= 2);
            assertThat(trainDead.poll()).extracting(r -> JSON.readTree(r.value()).get("error").asText())
                    .anySatisfy(e -> assertThat(e).contains("2 tags"))
                    .anySatisfy(e -> assertThat(e).contains("sum example"));

            // 4. the probe stream sends one-word sentences until the inference job serves version 2: no
            // restart; each new sentence starts on the newest version, whatever the update policy
            int probe = 2;
            while (out.poll().stream().noneMatch(r -> r.value().contains("\"probe\"") && r.value().contains("\"version\":2"))) {
                KafkaTopics.produce(bootstrap, infer.inputTopic(), Workloads.records(probe(probe++)));
                Thread.sleep(200);
                assertThat(probe).as("version 2 never served").isLessThan(300);
            }
            long probes = probe - 2; // beyond the first, which is counted in n1

            // 5. streams after the switch: version 2, as offline prediction with the announced file gives
            List<Element> second = Workloads.sentences(30, 2, 1000, 33);
            KafkaTopics.produce(bootstrap, infer.inputTopic(), Workloads.records(second));
            long n2 = tokens(second);
            await().atMost(Duration.ofSeconds(30)).until(() -> out.poll().size() >= n1 + probes + n2);
            Thread.sleep(1000); // anything doubled would show up with the next checkpoint too

            Map<String, JsonNode> results = exactlyOncePerStreamAndSeq(out.poll());
            assertThat(results).hasSize((int) (n1 + probes + n2));
            assertSameAsOffline(v1, first.subList(0, first.size() - 2), results);
            assertSameAsOffline(v2, second, results);
            List<Integer> probeVersions = new ArrayList<>();
            for (int k = 1; k <= probes + 1; k++) {
                probeVersions.add(results.get("probe#" + (2 * k - 1)).get("version").asInt());
            }
            assertThat(probeVersions).as("the probe stream switches once, from 1 to 2").isSorted().startsWith(1).endsWith(2);

            assertThat(cluster.getExecutionGraph(inference.getJobID()).get().getFailureInfo()).as("inference never restarted").isNull();
            assertThat(cluster.getExecutionGraph(training.getJobID()).get().getFailureInfo()).as("training never restarted").isNull();
        } finally {
            inference.cancel().get();
            training.cancel().get();
        }
    }

    /** The k-th one-word sentence of the probe stream: a token and its end. */
    private static List<Element> probe(int k) {
        return List.of(Element.token("probe", 2L * k - 1, null, "dog"), Element.endOf("probe", 2L * k, null));
    }

    private static long tokens(List<Element> elements) {
        return elements.stream().filter(e -> !e.end()).count();
    }

    private static Map<String, JsonNode> exactlyOncePerStreamAndSeq(List<ConsumerRecord<String, String>> records) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            JsonNode n = JSON.readTree(r.value());
            String key = n.get("stream").asText() + "#" + n.get("seq").asLong();
            assertThat(out.put(key, n)).as("result %s appears once", key).isNull();
        }
        return out;
    }

    private static void assertSameAsOffline(TaggerModel model, List<Element> input, Map<String, JsonNode> actual) {
        for (Result e : new OfflinePredictor(model).predict(input).results()) {
            JsonNode a = actual.get(e.stream() + "#" + e.seq());
            assertThat(a).as("result for %s#%s", e.stream(), e.seq()).isNotNull();
            assertThat(a.get("version").asInt()).as("%s#%s", e.stream(), e.seq()).isEqualTo(model.version());
            assertThat(a.get("tag").asText()).as("%s#%s", e.stream(), e.seq()).isEqualTo(((Result.Tag) e).tag());
        }
    }
}
