package io.stepwise.jobs.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.ModelLimits;
import io.stepwise.model.SumModel;
import io.stepwise.modelstream.ModelAdmission;
import io.stepwise.modelstream.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inference job's options, as its main class reads them. */
class InferenceSettingsTest {

    @TempDir
    Path dir;

    private static final String[] KAFKA_RUN = {"--bootstrap", "broker:9092", "--input-topic", "in", "--output-topic", "out",
        "--model-topic", "models"};

    private static String[] with(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void aKafkaRunTakesTheDefaultsItsBuilderHolds() {
        InferenceSettings s = InferenceSettings.parse(KAFKA_RUN);
        InferenceSettings built = InferenceSettings.builder().bootstrap("broker:9092").inputTopic("in").outputTopic("out")
                .modelTopic("models").build();

        assertThat(s.kafka()).isEqualTo(built.kafka());
        assertThat(s.serving()).isEqualTo(built.serving());
        assertThat(s.deadLetterTopic()).isEqualTo("out-dead-letters");
        assertThat(s.kafka().groupId()).isEqualTo("stepwise-infer");
        assertThat(s.kafka().delivery()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(s.recording()).isNull();
    }

    @Test
    void everyOptionReachesItsSetting() throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"), "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"s3cr3t\";\n");
        InferenceSettings s = InferenceSettings.parse(with(KAFKA_RUN, "--kafka-config", config.toString(), "--group-id", "g",
                "--checkpoint-interval", "500ms", "--at-least-once", "--partitions", "3", "--dead-letter-topic", "dlq",
                "--model-name", "tagger", "--idle-timeout=2m", "--max-pending", "7", "--update-policy", "switch",
                "--rewarm-window", "5", "--kept-versions", "2", "--batch-size", "64", "--max-batch-delay", "5ms",
                "--buffer-timeout", "0ms"));

        assertThat(s.kafka().kafka().properties()).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "PLAIN").containsKey("sasl.jaas.config");
        assertThat(s.toString()).as("settings name the client properties, never their values").contains("sasl.jaas.config")
                .doesNotContain("s3cr3t");
        assertThat(s.kafka().groupId()).isEqualTo("g");
        assertThat(s.kafka().checkpointInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.kafka().delivery()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(s.kafka().partitions()).isEqualTo(3);
        assertThat(s.kafka().bufferTimeout()).as("0: every record flushed at once").isEqualTo(Duration.ZERO);
        assertThat(s.deadLetterTopic()).isEqualTo("dlq");
        assertThat(s.serving()).isEqualTo(new ServingSettings("tagger", Duration.ofMinutes(2), 7, UpdatePolicy.SWITCH, 5, 2, false,
                64, Duration.ofMillis(5), ModelAdmission.defaults()));
    }

    @Test
    void trustAndLimitOptionsReachTheAdmission() throws Exception {
        SigningKey a = SigningKey.generate();
        SigningKey b = SigningKey.generate();
        Path trusted = Files.writeString(dir.resolve("trusted.pem"), a.publicPem() + b.publicPem());

        InferenceSettings s = InferenceSettings.parse(with(KAFKA_RUN, "--trusted-keys", trusted.toString(),
                "--model-uri-allow", "file:///models/a,s3://bucket/models", "--model-uri-allow", "/srv/models", "--max-model-bytes", "64MiB"));

        ModelAdmission admission = s.serving().admission();
        assertThat(admission.authenticated()).isTrue();
        assertThat(admission.trustedKeys().ids()).containsExactly(a.keyId(), b.keyId());
        assertThat(admission.locations().folders()).containsExactly("file:///models/a/", "s3://bucket/models/", "file:///srv/models/");
        assertThat(admission.limits().maxFileBytes()).isEqualTo(64L << 20);
        assertThat(admission.limits().maxParameters()).isEqualTo(16L << 20);
    }

    @Test
    void withoutAnAllowListAnnouncedFilesMayComeFromTheFolderOfTheModelOnly() throws Exception {
        Path model = dir.resolve("models/meter.stepwise");
        ModelFile.write(new SumModel(new ModelMeta("meter", 3, Map.of()), 4, 1, 10f, 10f).initRandom(1), model);

        ModelAdmission byDefault = InferenceSettings.parse(with(KAFKA_RUN, "--model", model.toString())).serving().admission();
        ModelAdmission given = InferenceSettings.parse(with(KAFKA_RUN, "--model", model.toString(), "--model-uri-allow", "s3://b/m"))
                .serving().admission();
        ModelAdmission none = InferenceSettings.parse(KAFKA_RUN).serving().admission();

        assertThat(byDefault.locations().folders()).containsExactly(dir.resolve("models").toUri().toString());
        assertThat(byDefault.locations().refusal(dir.resolve("models/meter-v4.stepwise").toUri().toString())).isNull();
        assertThat(byDefault.locations().refusal("file:///etc/passwd")).contains("outside the allowed model locations");
        assertThat(given.locations().folders()).containsExactly("s3://b/m/");
        assertThat(none.locations().isEmpty()).isTrue();
        assertThat(none.authenticated()).isFalse();
        assertThat(none.limits()).isEqualTo(ModelLimits.DEFAULTS);
    }

    @Test
    void aModelFileNamesTheModelServed() throws Exception {
        Path model = dir.resolve("meter.stepwise");
        ModelFile.write(new SumModel(new ModelMeta("meter", 3, Map.of()), 4, 1, 10f, 10f).initRandom(1), model);

        InferenceSettings s = InferenceSettings.parse(with(KAFKA_RUN, "--model", model.toString()));

        assertThat(s.initialModel()).isEqualTo(Files.readAllBytes(model));
        assertThat(s.serving().modelName()).isEqualTo("meter");
    }

    @Test
    void theOldReplaySpellingStillNamesARecording() {
        Path rec = dir.resolve("rec.jsonl");
        Path out = dir.resolve("out.jsonl");
        String[] common = {"--input-topic", "in", "--model-topic", "models", "--output", out.toString()};

        InferenceSettings recording = InferenceSettings.parse(with(common, "--recording", rec.toString()));
        InferenceSettings replay = InferenceSettings.parse(with(common, "--replay", rec.toString()));

        assertThat(replay.recording()).isEqualTo(rec).isEqualTo(recording.recording());
        assertThat(replay.kafka()).as("a run over a recording needs no Kafka").isNull();
        assertThat(replay.deadLetterOutput()).isEqualTo(dir.resolve("out.jsonl.dead-letters"));
    }

    @Test
    void badArgumentsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> InferenceSettings.parse(with(KAFKA_RUN, "--idle-timeout", "soon")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--idle-timeout");
        assertThatThrownBy(() -> InferenceSettings.parse(with(KAFKA_RUN, "--no-such-option")))
                .hasMessageContaining("unknown option '--no-such-option'");
        assertThatThrownBy(() -> InferenceSettings.parse(with(KAFKA_RUN, "--group-id")))
                .hasMessageContaining("--group-id needs a value");
        assertThatThrownBy(() -> InferenceSettings.parse(new String[]{"--input-topic", "in", "--model-topic", "m", "--output-topic", "o"}))
                .hasMessageContaining("--bootstrap is required");
        assertThatThrownBy(() -> InferenceSettings.parse(with(KAFKA_RUN, "--update-policy", "sometimes")))
                .hasMessageContaining("pin, switch, rewarm or carry");
        assertThatThrownBy(() -> InferenceSettings.parse(with(KAFKA_RUN, "--at-least-once=yes")))
                .hasMessageContaining("--at-least-once takes no value");
        assertThatThrownBy(() -> InferenceSettings.parse(with(KAFKA_RUN, "--max-model-bytes", "lots")))
                .hasMessage("--max-model-bytes must be a size in bytes such as 268435456 or 256MiB, got 'lots'");
        assertThatThrownBy(() -> InferenceSettings.parse(with(KAFKA_RUN, "--trusted-keys", dir.resolve("none.pem").toString())))
                .hasMessageStartingWith("cannot read the trusted keys " + dir.resolve("none.pem"));
    }

    @Test
    void theUsageListsEveryOptionWithTheDefaultItsBuilderHolds() {
        String usage = InferenceSettings.usage("infer");

        assertThat(usage).contains("--bootstrap HOST:PORT", "--kafka-config FILE", "--recording, --replay FILE",
                "--idle-timeout DURATION", "(default: 30m)", "(default: 5s)", "(default: stepwise-infer)", "--at-least-once",
                "--trusted-keys FILE", "--model-uri-allow PREFIX", "--max-model-bytes SIZE", "(default: 256MiB)");
        ServingSettings defaults = ServingSettings.defaults();
        assertThat(usage).contains("(default: " + defaults.rewarmWindow() + ")", "(default: " + defaults.maxPendingPerStream() + ")");
    }
}
