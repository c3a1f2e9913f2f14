package io.stepwise.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.jobs.inference.InferenceSettings;
import io.stepwise.jobs.inference.KafkaInference;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.model.TaggerModel;
import io.stepwise.train.SumEvaluation;
import io.stepwise.train.SumTrainer;
import io.stepwise.train.TrainingListener;
import io.stepwise.wire.Element;
import io.stepwise.wire.ModelAnnouncement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The inference job end to end: a real Kafka broker in this JVM, a Flink MiniCluster with two
 * TaskManagers, parallelism 2. Each test: start the job, produce the input, verify the output
 * read as a downstream consumer would (read_committed) against the offline predictor.
 */
class StreamingInferenceEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(2)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static InferenceSettings.Builder settings(String name) {
        InferenceSettings.Builder b = InferenceSettings.builder().bootstrap(KAFKA.bootstrapServers())
                .inputTopic(name + "-in").outputTopic(name + "-out").modelTopic(name + "-models");
        // a short checkpoint interval so that committed results show up quickly in the test
        b.kafka().groupId(name).checkpointInterval(Duration.ofMillis(500));
        return b;
    }

    /** {@code b} serving {@code model} from the start and stopping at the input's end. */
    private static InferenceSettings boundedWith(InferenceSettings.Builder b, Model model) {
        b.initialModel(ModelFile.toBytes(model)).kafka().bounded(true);
        return b.build();
    }

    private static StreamExecutionEnvironment env() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        return env;
    }

    @Test
    void aThousandInterleavedStreamsGetWhatOfflinePredictionGives() throws Exception {
        thousandStreams("thousand", Workloads.tagger(1, 11));
    }

    @Test
    void aThousandStreamsOfADelayedCharacterLevelTaggerGetWhatOfflinePredictionGives() throws Exception {
        thousandStreams("thousand-delayed", Workloads.streamingTagger(1, 13));
    }

    /** A thousand interleaved streams of two sentences each, in micro-batches, against offline prediction. */
    private void thousandStreams(String name, TaggerModel model) throws Exception {
        List<Element> input = Workloads.sentences(1000, 2, 1, 5);
        InferenceSettings s = boundedWith(settings(name), model);
        StreamExecutionEnvironment env = env();
        KafkaInference.configure(env, s);

        KafkaTopics.produce(KAFKA.bootstrapServers(), s.inputTopic(), Workloads.records(input));
        env.execute(name);

        try (KafkaTopics.Reader out = new KafkaTopics.Reader(KAFKA.bootstrapServers(), s.outputTopic())) {
            long expected = ResultChecks.resultsFor(model, input);
            await().atMost(Duration.ofSeconds(30)).until(() -> out.poll().size() >= expected);
            ResultChecks.assertSameAsOffline(model, input, ResultChecks.byStreamAndSeq(out.poll()));
        }
    }

    @Test
    void aModelAnnouncedMidStreamServesEverythingAfterItWithNothingLost() throws Exception {
        TaggerModel v1 = Workloads.tagger(1, 11);
        TaggerModel v2 = Workloads.tagger(2, 12);
        InferenceSettings s = settings("swap").build();
        StreamExecutionEnvironment env = env();
        KafkaInference.configure(env, s);
        JobClient job = env.executeAsync("model swap");
        try (KafkaTopics.Reader out = new KafkaTopics.Reader(KAFKA.bootstrapServers(), s.outputTopic())) {
            // cold start: no version yet, the first half waits in state until v1 is announced
            List<Element> first = Workloads.sentences(50, 2, 1, 1);
            KafkaTopics.produce(KAFKA.bootstrapServers(), s.inputTopic(), Workloads.records(first));
            announce(s, v1);
            long n1 = first.stream().filter(e -> !e.end()).count();
            await().atMost(Duration.ofSeconds(60)).until(() -> out.poll().size() >= n1);

            announce(s, v2);
            // wait until v2 serves: one-word probe sentences until one comes back from v2 (each is a
            // new sequence, so it starts on the newest version under any update policy)
            long probe = 1;
            while (true) {
                KafkaTopics.produce(KAFKA.bootstrapServers(), s.inputTopic(), Workloads.records(
                        List.of(Element.token("probe", probe, null, "the"), Element.endOf("probe", probe + 1, null))));
                probe += 2;
                Thread.sleep(300);
                if (out.poll().stream().anyMatch(r -> r.value().contains("\"probe\"") && r.value().contains("\"version\":2"))) {
                    break;
                }
                assertThat(probe).as("v2 never served").isLessThan(400);
            }
            List<Element> second = Workloads.sentences(50, 2, 100, 2);
            KafkaTopics.produce(KAFKA.bootstrapServers(), s.inputTopic(), Workloads.records(second));
            long probes = (probe - 1) / 2;
            long n2 = second.stream().filter(e -> !e.end()).count();
            await().atMost(Duration.ofSeconds(60)).until(() -> out.poll().size() >= n1 + probes + n2);

            Map<String, JsonNode> all = ResultChecks.byStreamAndSeq(out.poll());
            Map<String, JsonNode> before = new HashMap<>();
            Map<String, JsonNode> after = new HashMap<>();
            all.forEach((k, v) -> {
                if (!k.startsWith("probe")) {
                    (v.get("seq").asLong() < 100 ? before : after).put(k, v);
                }
            });
            ResultChecks.assertSameAsOffline(v1, first, before);
            ResultChecks.assertSameAsOffline(v2, second, after);
        } finally {
            job.cancel().get();
        }
    }

    /** A model of the default (fitted) recipe that records the range its evaluation up to {@code evalLength} validates. */
    private static SumModel fittedSum(int version, int hidden, long seed, int evalLength) {
        SumTrainer.Settings o = SumTrainer.Settings.builder().hiddenSize(hidden).maxLength(4096).batchSize(16).seed(seed).build();
        SumModel m = new SumTrainer(o).train(new ModelMeta("meter-sum", version, Map.of()), TrainingListener.NONE).model();
        Map<String, Object> provenance = new HashMap<>();
        provenance.put("valid_range", SumEvaluation.validRange(SumEvaluation.evaluate(m, evalLength, 200, seed), 0.01, 4096).provenance());
        return m.withMeta(new ModelMeta("meter-sum", version, provenance));
    }

    /** RMS error of {@code m} from zero at the end of 20 fresh streams of {@code length} drifting to ±{@code total}: its own error there. */
    private static double ownError(SumModel m, double total, int length) {
        SplittableRandom rng = new SplittableRandom(77 + (long) Math.abs(total));
        double sq = 0;
        for (int b = 0; b < 20; b++) {
            double mean = (b % 2 == 0 ? 1 : -1) * total / length;
            double half = 100 - Math.abs(mean);
            double[] v = new double[length];
            double exact = 0;
            for (int i = 0; i < length; i++) {
                v[i] = Math.max(-100, Math.min(99, Math.floor(mean - half + rng.nextDouble() * 2 * half)));
                exact += v[i];
            }
            double e = m.runningSums(v)[length - 1] - exact;
            sq += e * e;
        }
        return Math.sqrt(sq / 20);
    }

    /** Meter streams {@code meter-0} … drifting by their own amount, seqs from {@code firstSeq}. */
    private static List<Element> driftingMeters(int streams, int perStream, long firstSeq, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<List<Element>> all = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            double drift = (s % 2 == 0 ? 1 : -1) * 6 * s;
            double half = 100 - Math.abs(drift);
            List<Element> es = new ArrayList<>();
            for (int i = 0; i < perStream; i++) {
                es.add(Element.value("meter-" + s, firstSeq + i, null, Math.floor(drift - half + rng.nextDouble() * 2 * half)));
            }
            all.add(es);
        }
        return Workloads.interleave(all, rng);
    }

    @Test
    void aSumVersionSwappedMidStreamContinuesEveryRunningSumAndResultsPastItsRangeAreFlagged() throws Exception {
        // v1 validated to 1,024 numbers, v2 (another hidden size) only to 256: past it, its results say in_range false
        SumModel v1 = fittedSum(1, 16, 1, 1024);
        SumModel v2 = fittedSum(2, 32, 2, 256);
        int streams = 6;
        InferenceSettings s = settings("sum-carry").build();
        StreamExecutionEnvironment env = env();
        KafkaInference.configure(env, s);
        JobClient job = env.executeAsync("sum carry");
        try (KafkaTopics.Reader out = new KafkaTopics.Reader(KAFKA.bootstrapServers(), s.outputTopic())) {
            announce(s, v1);
            List<Element> first = driftingMeters(streams, 400, 1, 31);
            KafkaTopics.produce(KAFKA.bootstrapServers(), s.inputTopic(), Workloads.records(first));
            await().atMost(Duration.ofSeconds(60)).until(() -> out.poll().size() >= first.size());

            announce(s, v2);
            // wait until v2 serves: a new stream per probe starts on the newest version
            long probes = 0;
            while (out.poll().stream().noneMatch(r -> r.value().contains("\"probe-") && r.value().contains("\"version\":2"))) {
                assertThat(probes).as("v2 never served").isLessThan(200);
                KafkaTopics.produce(KAFKA.bootstrapServers(), s.inputTopic(),
                        Workloads.records(List.of(Element.value("probe-" + probes, 1L, null, 1))));
                probes++;
                Thread.sleep(300);
            }
            List<Element> second = driftingMeters(streams, 150, 401, 32);
            KafkaTopics.produce(KAFKA.bootstrapServers(), s.inputTopic(), Workloads.records(second));
            long all = first.size() + probes + second.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> out.poll().size() >= all);

            Map<String, JsonNode> results = ResultChecks.byStreamAndSeq(out.poll());
            Map<String, JsonNode> before = new HashMap<>();
            results.forEach((k, v) -> {
                if (k.startsWith("meter") && v.get("seq").asLong() <= 400) {
                    before.put(k, v);
                }
            });
            // before the swap: v1, as predict gives it, in_range included
            ResultChecks.assertSameAsOffline(v1, first, before);
            double largest = 0;
            for (int m = 0; m < streams; m++) {
                JsonNode last = results.get("meter-" + m + "#400");
                JsonNode next = results.get("meter-" + m + "#401");
                assertThat(next.get("version").asInt()).isEqualTo(2);
                double x = next.get("value").asDouble();
                double exact = last.get("exact").asDouble();
                largest = Math.max(largest, Math.abs(exact));
                double own = ownError(v2, exact, 1000);
                double gap = Math.abs(next.get("sum").asDouble() - (last.get("sum").asDouble() + x));
                System.out.printf("e2e carry meter-%d: sum before %.4f (exact %.0f), x %.0f, sum after %.4f, "
                        + "|after - (before + x)| %.4f, v2's own error there %.4f%n", m, last.get("sum").asDouble(), exact, x,
                        next.get("sum").asDouble(), gap, own);
                assertThat(gap)
                        .as("meter-%d: the first v2 result goes on from v1's last (exact %.0f, v2's own error there %.3f)", m, exact, own)
                        .isLessThanOrEqualTo(3 * own + 0.05);
                // every v2 result, independently of the job: flagged when past v2's range (all are: length > 256)
                for (long seq = 401; seq <= 550; seq++) {
                    JsonNode r = results.get("meter-" + m + "#" + seq);
                    boolean inRange = seq <= v2.validRange().validatedMaxLength()
                            && Math.abs(r.get("exact").asDouble()) <= v2.validRange().validatedMaxAbsTotal();
                    assertThat(r.get("in_range").asBoolean()).as("meter-%d#%d", m, seq).isEqualTo(inRange).isFalse();
                }
            }
            assertThat(largest).as("the swap met totals in the thousands").isGreaterThan(10_000);
        } finally {
            job.cancel().get();
        }
    }

    private static void announce(InferenceSettings s, Model m) {
        byte[] file = ModelFile.toBytes(m);
        ModelAnnouncement a = ModelAnnouncement.inline(m.name(), m.version(), file, ModelFile.sha256Hex(file));
        KafkaTopics.produce(KAFKA.bootstrapServers(), s.modelTopic(), List.<String[]>of(new String[]{m.name(), a.toJson()}));
    }

    @Test
    void aUrlLongTokenAndWordsOfOtherScriptsAreTaggedNotDeadLettered() throws Exception {
        TaggerModel model = Workloads.streamingTagger(1, 17);
        String url = "https://en.wikipedia.org/wiki/" + "Long_Title_".repeat(60);
        List<String> words = List.of("see", url, "日本語", "Ελληνικά", "مرحبا", "\uD83D\uDE00", "ok");
        List<Element> input = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            input.add(Element.token("web", (long) i + 1, null, words.get(i)));
        }
        input.add(Element.endOf("web", (long) words.size() + 1, null));
        InferenceSettings s = boundedWith(settings("scripts"), model);
        StreamExecutionEnvironment env = env();
        KafkaInference.configure(env, s);

        KafkaTopics.produce(KAFKA.bootstrapServers(), s.inputTopic(), Workloads.records(input));
        env.execute("scripts");

        try (KafkaTopics.Reader out = new KafkaTopics.Reader(KAFKA.bootstrapServers(), s.outputTopic());
             KafkaTopics.Reader dead = new KafkaTopics.Reader(KAFKA.bootstrapServers(), s.deadLetterTopic())) {
            long expected = ResultChecks.resultsFor(model, input);
            await().atMost(Duration.ofSeconds(30)).until(() -> out.poll().size() >= expected);
            ResultChecks.assertSameAsOffline(model, input, ResultChecks.byStreamAndSeq(out.poll()));
            assertThat(out.poll()).extracting(r -> JSON.readTree(r.value()).get("token").asText()).contains(url, "日本語", "\uD83D\uDE00");
            assertThat(dead.poll()).as("a word is never bad input").isEmpty();
        }
    }

    @Test
    void malformedRecordsGoToTheDeadLetterTopicAndTheRestIsUnaffected() throws Exception {
        var model = Workloads.sum(1, 3);
        List<Element> valid = Workloads.numbers(20, 10, 1, 9);
        List<String[]> records = new ArrayList<>(Workloads.records(valid));
        List<String> bad = List.of("not json", "{\"value\":3}", "{\"stream\":\"meter-1\"}", "{\"stream\":\"meter-2\",\"value\":\"x\"}",
                "{\"stream\":\"meter-3\",\"value\":1e308}", "{\"stream\":\"meter-4\",\"seq\":99,\"token\":\"dog\"}");
        for (int i = 0; i < bad.size(); i++) {
            records.add(7 * i + 3, new String[]{"meter-" + i, bad.get(i)});
        }
        InferenceSettings s = boundedWith(settings("dead"), model);
        StreamExecutionEnvironment env = env();
        KafkaInference.configure(env, s);

        KafkaTopics.produce(KAFKA.bootstrapServers(), s.inputTopic(), records);
        env.execute("dead letters");

        try (KafkaTopics.Reader out = new KafkaTopics.Reader(KAFKA.bootstrapServers(), s.outputTopic());
             KafkaTopics.Reader dead = new KafkaTopics.Reader(KAFKA.bootstrapServers(), s.deadLetterTopic())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> out.poll().size() >= valid.size() && dead.poll().size() >= bad.size());
            ResultChecks.assertSameAsOffline(model, valid, ResultChecks.byStreamAndSeq(out.poll()));
            List<JsonNode> letters = new ArrayList<>();
            for (ConsumerRecord<String, String> r : dead.poll()) {
                letters.add(JSON.readTree(r.value()));
            }
            assertThat(letters).extracting(l -> l.get("value").asText()).containsExactlyInAnyOrderElementsOf(bad);
            assertThat(letters).allSatisfy(l -> {
                assertThat(l.get("error").asText()).isNotBlank();
                assertThat(l.get("topic").asText()).isEqualTo(s.inputTopic());
                assertThat(l.get("offset").asLong()).isNotNegative();
            });
        }
    }

    @Test
    void afterATaskManagerDiesEveryResultAppearsExactlyOnceAndInOrder(@InjectMiniCluster MiniCluster cluster) throws Exception {
        var v2 = Workloads.sum(2, 4);
        List<Element> before = Workloads.numbers(300, 8, 1, 21);
        List<Element> after = Workloads.numbers(300, 8, 9, 22);
        InferenceSettings s = settings("failover").build();
        StreamExecutionEnvironment env = env();
        // every slot of both TaskManagers busy, so that killing one certainly fails running tasks
        env.setParallelism(4);
        KafkaInference.configure(env, s);
        JobClient job = env.executeAsync("failover");
        try (KafkaTopics.Reader out = new KafkaTopics.Reader(KAFKA.bootstrapServers(), s.outputTopic())) {
            announce(s, v2);
            KafkaTopics.produce(KAFKA.bootstrapServers(), s.inputTopic(), Workloads.records(before));
            // some results committed: at least one checkpoint holds state and model version
            await().atMost(Duration.ofSeconds(60)).until(() -> out.poll().size() >= before.size() / 2);

            cluster.terminateTaskManager(0).get();
            cluster.startTaskManager();
            KafkaTopics.produce(KAFKA.bootstrapServers(), s.inputTopic(), Workloads.records(after));

            await().atMost(Duration.ofSeconds(120)).until(() -> out.poll().size() >= before.size() + after.size());
            Thread.sleep(2000); // anything doubled would show up after the last checkpoint too
            assertThat(cluster.getExecutionGraph(job.getJobID()).get().getFailureInfo())
                    .as("the job failed and recovered, rather than running on untouched").isNotNull();
            Map<String, JsonNode> results = ResultChecks.byStreamAndSeq(out.poll());
            List<Element> all = new ArrayList<>(before);
            all.addAll(after);
            // the restored job serves v2 from its broadcast state: the model topic is not read again
            // (its offset is in the checkpoint), so without that state nothing would be served at all
            ResultChecks.assertSameAsOffline(v2, all, results);
        } finally {
            job.cancel().get();
        }
    }
}
