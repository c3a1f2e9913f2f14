package io.stepwise.jobs.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
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
        Path config = Files.writeString(dir.resolve("client.properties"), "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n");
        InferenceSettings s = InferenceSettings.parse(with(KAFKA_RUN, "--kafka-config", config.toString(), "--group-id", "g",
                "--checkpoint-interval", "500ms", "--at-least-once", "--partitions", "3", "--dead-letter-topic", "dlq",
                "--model-name", "tagger", "--idle-timeout=2m", "--max-pending", "7", "--update-policy", "switch",
                "--rewarm-window", "5", "--kept-versions", "2", "--batch-size", "64", "--max-batch-delay", "5ms"));

        assertThat(s.kafka().kafka().properties()).containsExactlyInAnyOrderEntriesOf(
                Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN"));
        assertThat(s.kafka().groupId()).isEqualTo("g");
        assertThat(s.kafka().checkpointInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.kafka().delivery()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(s.kafka().partitions()).isEqualTo(3);
        assertThat(s.deadLetterTopic()).isEqualTo("dlq");
        assertThat(s.serving()).isEqualTo(new ServingSettings("tagger", Duration.ofMinutes(2), 7, UpdatePolicy.SWITCH, 5, 2, false,
                64, Duration.ofMillis(5)));
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
    }

    @Test
    void theUsageListsEveryOptionWithTheDefaultItsBuilderHolds() {
        String usage = InferenceSettings.usage("infer");

        assertThat(usage).contains("--bootstrap HOST:PORT", "--kafka-config FILE", "--recording, --replay FILE",
                "--idle-timeout DURATION", "(default: 30m)", "(default: 5s)", "(default: stepwise-infer)", "--at-least-once");
        ServingSettings defaults = ServingSettings.defaults();
        assertThat(usage).contains("(default: " + defaults.rewarmWindow() + ")", "(default: " + defaults.maxPendingPerStream() + ")");
    }
}
