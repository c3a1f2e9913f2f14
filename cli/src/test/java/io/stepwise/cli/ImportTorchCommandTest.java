package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.model.ModelFile;
import io.stepwise.model.Prediction;
import io.stepwise.model.TaggerModel;
import io.stepwise.testing.Fixtures;
import io.stepwise.torch.JsonTensors;
import io.stepwise.torch.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportTorchCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private JsonNode fixture;
    private Path npz;
    private Path config;

    @BeforeEach
    void tutorialStateDict() throws IOException {
        fixture = Fixtures.load("tagger_train.json");
        npz = dir.resolve("tagger.npz");
        Npz.write(JsonTensors.stateDict(fixture.get("float32").get("final_weights")), npz);
        ObjectNode c = JSON.createObjectNode();
        c.set("word_to_ix", fixture.get("word_to_ix"));
        c.set("tag_to_ix", fixture.get("tag_to_ix"));
        config = dir.resolve("tagger.json");
        Files.writeString(config, c.toString());
    }

    @Test
    void writesAModelFileThatTagsLikePyTorchAndPrintsItsSha256() throws IOException {
        Path out = dir.resolve("models/tutorial-v3.stepwise");

        CommandRun run = CommandRun.of(new ImportTorchCommand(), npz, "--kind", "tagger", "--config", config,
                "--out", out, "--name", "tutorial", "--version", 3);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out().lines()).hasSize(1);
        assertThat(run.out()).startsWith("tagger 'tutorial' v3: 9 words").contains("hidden_size 6")
                .endsWith("sha256 " + ModelFile.sha256Hex(Files.readAllBytes(out)) + System.lineSeparator());
        TaggerModel model = (TaggerModel) ModelFile.read(out);
        assertThat(model.name()).isEqualTo("tutorial");
        assertThat(model.version()).isEqualTo(3);
        assertThat(model.meta().provenance()).containsEntry("weights_sha256", ModelFile.sha256Hex(Files.readAllBytes(npz)));
        fixture.get("float32").get("predictions").fields().forEachRemaining(p -> {
            List<String> tags = new ArrayList<>();
            p.getValue().get("tags").forEach(t -> tags.add(t.asText()));
            assertThat(model.tag(List.of(p.getKey().split(" "))).stream().map(Prediction.Tag::tag).toList())
                    .as(p.getKey()).isEqualTo(tags);
        });
    }

    /** make_char_tagger.py's numpy.savez, imported and exported again: the same arrays, the same config back. */
    @Test
    void pyTorchsStreamingTaggerImportsAndExportsAgainUnchanged() throws IOException {
        JsonNode cs = Fixtures.load("char_tagger.json").get("cases").get(0);
        Path savez = dir.resolve("char_tagger_state_dict.npz");
        try (java.io.InputStream in = getClass().getResourceAsStream("/fixtures/char_tagger_state_dict.npz")) {
            Files.copy(in, savez);
        }
        Path streamingConfig = dir.resolve("char_tagger.config.json");
        Files.writeString(streamingConfig, cs.get("config").toString());
        Path out = dir.resolve("streaming.stepwise");

        CommandRun imported = CommandRun.of(new ImportTorchCommand(), savez, "--kind", "tagger", "--config", streamingConfig,
                "--out", out, "--name", "streaming");
        CommandRun exported = CommandRun.of(new ExportTorchCommand(), "--model", out, "--out", dir.resolve("again.npz"));

        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("characters 24 x 3 -> 2 x 4").contains("delay 2").contains("lower-cased");
        assertThat(exported.exitCode()).as(exported.err()).isZero();
        assertThat(Npz.read(dir.resolve("again.npz"))).isEqualTo(Npz.read(savez));
        JsonNode config = JSON.readTree(dir.resolve("again.config.json").toFile());
        cs.get("config").fields().forEachRemaining(e -> assertThat(config.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue()));
        List<List<String>> sentences = new ArrayList<>();
        cs.get("sentences").forEach(s -> {
            List<String> words = new ArrayList<>();
            s.forEach(w -> words.add(w.asText()));
            sentences.add(words);
        });
        List<List<String>> finalTags = new ArrayList<>();
        cs.get("float32").get("final_tags").forEach(s -> {
            List<String> tags = new ArrayList<>();
            s.forEach(t -> tags.add(t.asText()));
            finalTags.add(tags);
        });
        TaggerModel model = (TaggerModel) ModelFile.read(out);
        assertThat(model.finalTags(sentences).stream().map(s -> s.stream().map(Prediction.Tag::tag).toList()).toList())
                .isEqualTo(finalTags);
    }

    @Test
    void nameDefaultsToTheKindAndVersionToOne() throws IOException {
        Path out = dir.resolve("t.stepwise");

        assertThat(CommandRun.of(new ImportTorchCommand(), npz, "--kind", "TAGGER", "--config", config, "--out", out).exitCode()).isZero();

        assertThat(ModelFile.read(out).meta().name()).isEqualTo("tagger");
        assertThat(ModelFile.read(out).meta().version()).isEqualTo(1);
    }

    @Test
    void badInputIsOneLineOnStderrAndExitCode2() throws IOException {
        Path out = dir.resolve("never.stepwise");
        Path wrongSize = dir.resolve("wrong.json");
        Files.writeString(wrongSize, "{\"words\": [\"a\"], \"tags\": [\"X\"]}");

        List<CommandRun> runs = List.of(
                CommandRun.of(new ImportTorchCommand(), dir.resolve("missing.npz"), "--kind", "tagger", "--config", config, "--out", out),
                CommandRun.of(new ImportTorchCommand(), npz, "--kind", "translator", "--config", config, "--out", out),
                CommandRun.of(new ImportTorchCommand(), npz, "--kind", "sum", "--config", config, "--out", out),
                CommandRun.of(new ImportTorchCommand(), npz, "--kind", "tagger", "--config", wrongSize, "--out", out),
                CommandRun.of(new ImportTorchCommand(), config, "--kind", "tagger", "--config", config, "--out", out));

        assertThat(runs).allSatisfy(r -> {
            assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
            assertThat(r.err().lines()).as(r.err()).hasSize(1);
            assertThat(r.err()).startsWith("import-torch: ").doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(r.out()).isEmpty();
        });
        assertThat(runs.get(0).err()).contains("no such file").contains("missing.npz");
        assertThat(runs.get(1).err()).contains("unknown model kind 'translator'");
        assertThat(runs.get(3).err()).contains("wrong.json lists 1 words");
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    void aMissingRequiredOptionIsAUsageError() {
        CommandRun run = CommandRun.of(new ImportTorchCommand(), npz, "--kind", "tagger");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--config").contains("--out");
    }
}
