package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.kafka.KafkaClient;
import io.stepwise.kafka.KafkaConnectors;
import io.stepwise.local.kafka.EmbeddedKafka;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.modelstream.ModelSignatures;
import io.stepwise.modelstream.SigningKey;
import io.stepwise.modelstream.TrustedKeys;
import io.stepwise.wire.ModelAnnouncement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `stepwise publish` on a real broker: what it sends is what an inference job with --trusted-keys accepts. */
class PublishCommandTest {

    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(null);
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
    }

    private Path model(int version) throws Exception {
        Path f = dir.resolve("meter-v" + version + ".stepwise");
        ModelFile.write(new SumModel(new ModelMeta("meter", version, Map.of()), 4, 1, 10f, 10f).initRandom(version), f);
        return f;
    }

    private static List<ConsumerRecord<String, String>> read(String topic, int n) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(KafkaConnectors.committedReaderProperties(
                KafkaClient.of(kafka.bootstrapServers()), "publish-test-" + topic))) {
            c.subscribe(List.of(topic));
            long until = System.currentTimeMillis() + 20_000;
            while (out.size() < n && System.currentTimeMillis() < until) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void aSignedVersionGoesOutInlineOrAtItsUriWithTheModelsNameAsKey() throws Exception {
        CliRun keys = CliRun.of(new KeysCommand(), "generate", "--out", dir.resolve("keys").toString());
        assertThat(keys.exit()).isZero();
        Path v3 = model(3);
        Path v4 = model(4);

        CliRun inline = CliRun.of(new PublishCommand(), "--model", v3.toString(), "--model-topic", "signed-models",
                "--bootstrap", kafka.bootstrapServers(), "--signing-key", dir.resolve("keys/signing-key.pem").toString());
        CliRun at = CliRun.of(new PublishCommand(), "--model", v4.toString(), "--model-topic", "signed-models",
                "--bootstrap", kafka.bootstrapServers(), "--signing-key", dir.resolve("keys/signing-key.pem").toString(),
                "--uri", v4.toUri().toString());

        assertThat(inline.exit()).as(inline.err()).isZero();
        assertThat(at.exit()).as(at.err()).isZero();
        assertThat(inline.out()).startsWith("published meter v3 (SHA-256 ").contains("to signed-models, inline, signed by key ");
        TrustedKeys trusted = TrustedKeys.read(dir.resolve("keys/public-key.pem"));
        List<ConsumerRecord<String, String>> records = read("signed-models", 2);
        assertThat(records).hasSize(2).allSatisfy(r -> assertThat(r.key()).isEqualTo("meter"));
        ModelAnnouncement a3 = ModelAnnouncement.parse(records.get(0).value());
        ModelAnnouncement a4 = ModelAnnouncement.parse(records.get(1).value());
        assertThat(a3.version()).isEqualTo(3);
        assertThat(a3.inline()).isNotNull();
        assertThat(a3.sha256()).isEqualTo(ModelFile.sha256Hex(Files.readAllBytes(v3)));
        assertThat(a4.uri()).isEqualTo(v4.toUri().toString());
        assertThat(ModelSignatures.refusal(a3, trusted)).isNull();
        assertThat(ModelSignatures.refusal(a4, trusted)).isNull();
        assertThat(ModelSignatures.refusal(a4, TrustedKeys.of(SigningKey.generate().publicKey()))).isNotNull();
    }

    @Test
    void withoutASigningKeyTheVersionGoesOutUnsigned() throws Exception {
        CliRun r = CliRun.of(new PublishCommand(), "--model", model(1).toString(), "--model-topic", "unsigned-models",
                "--bootstrap", kafka.bootstrapServers());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("unsigned");
        assertThat(ModelAnnouncement.parse(read("unsigned-models", 1).get(0).value()).signed()).isFalse();
    }

    @Test
    void mistakesAreOneLineUserErrors() throws Exception {
        Path v2 = model(2);
        Path other = model(5);
        Files.writeString(dir.resolve("not-a-key.pem"), "hello");

        CliRun wrongFile = CliRun.of(new PublishCommand(), "--model", v2.toString(), "--model-topic", "m", "--bootstrap",
                kafka.bootstrapServers(), "--uri", other.toUri().toString());
        CliRun badKey = CliRun.of(new PublishCommand(), "--model", v2.toString(), "--model-topic", "m", "--bootstrap",
                kafka.bootstrapServers(), "--signing-key", dir.resolve("not-a-key.pem").toString());
        CliRun noUriScheme = CliRun.of(new PublishCommand(), "--model", v2.toString(), "--model-topic", "m", "--bootstrap",
                kafka.bootstrapServers(), "--uri", "models/x.stepwise");

        assertThat(wrongFile.isOneLineUserError()).as(wrongFile.err()).isTrue();
        assertThat(wrongFile.err()).contains("is not the same as --model");
        assertThat(badKey.isOneLineUserError()).as(badKey.err()).isTrue();
        assertThat(badKey.err()).contains("expected one PEM 'PRIVATE KEY' block");
        assertThat(noUriScheme.isOneLineUserError()).as(noUriScheme.err()).isTrue();
        assertThat(noUriScheme.err()).contains("needs a scheme");
    }

    @Test
    void everyCommandThatTalksToKafkaTakesTheClientProperties() {
        for (Object command : new Object[]{new PublishCommand(), new RecordCommand(), new ReplayCommand()}) {
            assertThat(CliRun.of(command, "--help").out()).as(command.getClass().getSimpleName()).contains("--kafka-config", "--bootstrap");
        }
        assertThat(CliRun.of(new RunCommand(), "infer", "--help").out()).contains("--kafka-config");
        assertThat(CliRun.of(new RunCommand(), "train", "--help").out()).contains("--kafka-config");
    }
}
