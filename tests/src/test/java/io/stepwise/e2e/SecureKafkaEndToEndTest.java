package io.stepwise.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.cli.Stepwise;
import io.stepwise.jobs.inference.InferenceSettings;
import io.stepwise.jobs.inference.KafkaInference;
import io.stepwise.kafka.KafkaClient;
import io.stepwise.local.cluster.FlinkRest;
import io.stepwise.local.kafka.EmbeddedKafka;
import io.stepwise.model.ModelFile;
import io.stepwise.model.TaggerModel;
import io.stepwise.modelstream.ModelSignatures;
import io.stepwise.modelstream.SigningKey;
import io.stepwise.wire.Element;
import io.stepwise.wire.ModelAnnouncement;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The inference job on a broker that requires SASL/PLAIN, with signed model versions: it reads and
 * writes through the SASL listener with the client properties of {@code --kafka-config}, serves
 * only the versions its trusted key signed, and the password shows nowhere: not in the logs (Kafka
 * prints its client configurations, with {@code sasl.jaas.config} masked), not in the job's
 * configuration as Flink's REST API (and so its web UI) shows it. Wrong credentials are refused in
 * one line.
 */
class SecureKafkaEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "stepwise";
    /** Distinct enough that finding it anywhere is a leak. */
    private static final String PASSWORD = "sasl-pw-" + UUID.randomUUID();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() throws Exception {
        Map<String, String> users = new LinkedHashMap<>();
        users.put("broker", "broker-pw-" + UUID.randomUUID());
        users.put(USER, PASSWORD);
        kafka = EmbeddedKafka.startWithSaslPlain(null, users);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** A client properties file, as an operator writes one for --kafka-config. */
    private static Path clientConfig(String name, String password) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n",
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanism=PLAIN",
                "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + USER
                        + "\" password=\"" + password + "\";", ""));
    }

    private record Run(int exit, String out, String err) {
    }

    /** The stepwise command line, in-process, as the launcher runs it. */
    private static Run stepwise(Object... args) {
        CommandLine cl = Stepwise.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(Arrays.stream(args).map(String::valueOf).toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static Path write(TaggerModel m) throws IOException {
        Path f = dir.resolve(m.name() + "-v" + m.version() + ".stepwise");
        ModelFile.write(m, f);
        return f;
    }

    @Test
    void throughSaslTheJobServesTheSignedVersionsRejectsAForgedOneAndShowsThePasswordNowhere(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Path config = clientConfig("client.properties", PASSWORD);
        KafkaClient client = new KafkaClient(kafka.bootstrapServers(), KafkaClient.readProperties(config));
        Path keys = dir.resolve("keys");
        TaggerModel v1 = Workloads.tagger(1, 11);
        TaggerModel v3 = Workloads.tagger(3, 13);
        String shownByRest;
        try (CapturedLogs logs = CapturedLogs.start("org.apache.kafka.common.config.AbstractConfig")) {
            assertThat(stepwise("keys", "generate", "--out", keys).exit()).isZero();
            Run published = stepwise("publish", "--model", write(v1), "--model-topic", "secure-models", "--bootstrap", kafka.bootstrapServers(),
                    "--kafka-config", config, "--signing-key", keys.resolve("signing-key.pem"));
            assertThat(published.exit()).as(published.err()).isZero();

            // the job from the options `run infer` and its main class take
            InferenceSettings s = InferenceSettings.parse(new String[]{"--bootstrap", kafka.bootstrapServers(),
                "--kafka-config", config.toString(), "--input-topic", "secure-in", "--output-topic", "secure-out",
                "--model-topic", "secure-models", "--trusted-keys", keys.resolve("public-key.pem").toString(),
                "--group-id", "secure", "--checkpoint-interval", "500ms"});
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            KafkaInference.configure(env, s);
            JobClient job = env.executeAsync("inference over SASL");
            try (KafkaTopics.Reader out = new KafkaTopics.Reader(client, s.outputTopic());
                 KafkaTopics.Reader dead = new KafkaTopics.Reader(client, s.deadLetterTopic())) {
                // 1. read and written through the SASL listener, served by the signed v1
                List<Element> first = Workloads.sentences(20, 2, 1, 3);
                KafkaTopics.produce(client, s.inputTopic(), Workloads.records(first));
                long n1 = ResultChecks.resultsFor(first);
                await().atMost(Duration.ofSeconds(40)).until(() -> out.poll().size() >= n1);
                ResultChecks.assertSameAsOffline(v1, first, ResultChecks.byStreamAndSeq(out.poll()));

                // 2. a forged v2: its SHA-256 right, signed by a key the job does not trust
                byte[] v2File = ModelFile.toBytes(Workloads.tagger(2, 12));
                ModelAnnouncement forged = ModelSignatures.sign(
                        ModelAnnouncement.inline("tagger", 2, v2File, ModelFile.sha256Hex(v2File)), SigningKey.generate());
                KafkaTopics.produce(client, s.modelTopic(), List.<String[]>of(new String[]{"tagger", forged.toJson()}));
                await().atMost(Duration.ofSeconds(30)).until(() -> letters(dead).stream()
                        .anyMatch(e -> e.startsWith("model announcement rejected: model tagger v2 is signed by key ")
                                && e.endsWith("which is not one of the 1 trusted keys (--trusted-keys)")));

                // 3. the signed v3 serves: probes until one comes back from it, then a second round of streams
                assertThat(stepwise("publish", "--model", write(v3), "--model-topic", s.modelTopic(), "--bootstrap",
                        kafka.bootstrapServers(), "--kafka-config", config, "--signing-key", keys.resolve("signing-key.pem")).exit()).isZero();
                long probe = 1;
                while (out.poll().stream().noneMatch(r -> r.key().equals("probe") && r.value().contains("\"version\":3"))) {
                    KafkaTopics.produce(client, s.inputTopic(), Workloads.records(
                            List.of(Element.token("probe", probe, null, "the"), Element.endOf("probe", probe + 1, null))));
                    probe += 2;
                    assertThat(probe).as("v3 never served").isLessThan(200);
                    Thread.sleep(300);
                }
                List<Element> second = Workloads.sentences(20, 2, 100, 4);
                KafkaTopics.produce(client, s.inputTopic(), Workloads.records(second));
                await().atMost(Duration.ofSeconds(40)).until(() -> out.poll().stream().filter(r -> !r.key().equals("probe")).count()
                        >= n1 + ResultChecks.resultsFor(second));
                Map<String, JsonNode> after = new HashMap<>();
                ResultChecks.byStreamAndSeq(out.poll()).forEach((k, r) -> {
                    if (!k.startsWith("probe") && r.get("seq").asLong() >= 100) {
                        after.put(k, r);
                    }
                });
                ResultChecks.assertSameAsOffline(v3, second, after);
                assertThat(out.poll()).as("nothing was ever served by the forged version").noneMatch(r -> r.value().contains("\"version\":2"));

                // 4. the running job's configuration as Flink's REST API (and web UI) shows it
                shownByRest = restViews(cluster, job.getJobID().toHexString());
            } finally {
                job.cancel().get();
            }
            assertThat(logs.text()).as("the captured logs").doesNotContain(PASSWORD);
            if (logs.infoEnabled()) {
                // Kafka printed the clients' configurations, the SASL one among them, with the JAAS entry masked
                assertThat(logs.text()).contains("security.protocol = SASL_PLAINTEXT", "sasl.jaas.config = [hidden]");
            }
        }
        assertThat(shownByRest).contains("\"execution-config\"").doesNotContain(PASSWORD).doesNotContain("sasl.jaas.config")
                .doesNotContain("PlainLoginModule");
    }

    /** The error texts of the dead letters read so far. */
    private static List<String> letters(KafkaTopics.Reader dead) throws IOException {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : dead.poll()) {
            out.add(JSON.readTree(r.value()).path("error").asText());
        }
        return out;
    }

    /**
     * What Flink's REST API shows of job {@code id}: its configuration ({@code /jobs/:id/config}: the
     * execution config with the global job parameters), the JobManager configuration it runs with,
     * its plan and its details; printed, so a reader of the test output sees what was checked.
     */
    private static String restViews(MiniCluster cluster, String id) throws Exception {
        URI base = URI.create(cluster.getRestAddress().get().toString().replaceFirst("/?$", "/"));
        FlinkRest rest = new FlinkRest(base);
        StringBuilder shown = new StringBuilder();
        for (String path : List.of("jobs/" + id + "/config", "jobs/" + id + "/jobmanager/config", "jobs/" + id + "/plan", "jobs/" + id)) {
            String body;
            try {
                body = rest.get(path).toString();
            } catch (IOException e) {
                body = "(" + e.getMessage() + ")";
            }
            System.out.println("REST " + path + ": " + (body.length() > 2000 ? body.substring(0, 2000) + "…" : body));
            shown.append(body).append('\n');
        }
        return shown.toString();
    }

    @Test
    void theBrokerRequiresSaslAndWrongCredentialsAreRefusedInOneLine() throws Exception {
        String wrongPassword = "wrong-pw-" + UUID.randomUUID();
        Path wrong = clientConfig("wrong.properties", wrongPassword);
        Path model = write(Workloads.tagger(1, 5));

        // no client properties: the SASL listener does not answer a plaintext client
        Properties plain = new Properties();
        plain.put("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(plain)) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(
                    () -> admin.listTopics(new ListTopicsOptions().timeoutMs(3000)).names().get()))
                    .isInstanceOf(ExecutionException.class);
        }

        try (CapturedLogs logs = CapturedLogs.start()) {
            Run infer = stepwise("run", "infer", "--bootstrap", kafka.bootstrapServers(), "--kafka-config", wrong,
                    "--input-topic", "wrong-in", "--output-topic", "wrong-out", "--model-topic", "wrong-models");
            Run publish = stepwise("publish", "--model", model, "--model-topic", "wrong-models", "--bootstrap", kafka.bootstrapServers(),
                    "--kafka-config", wrong);

            for (Run r : List.of(infer, publish)) {
                assertThat(r.exit()).as(r.err()).isEqualTo(2);
                assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
                assertThat(r.err()).contains("cannot reach Kafka at " + kafka.bootstrapServers() + ": Authentication failed")
                        .doesNotContain(wrongPassword).doesNotContain("Exception").doesNotContain("\tat ");
            }
            assertThat(infer.err()).startsWith("stepwise run infer: ");
            assertThat(publish.err()).startsWith("stepwise publish: ");
            assertThat(logs.text()).doesNotContain(wrongPassword);
        }
    }
}
