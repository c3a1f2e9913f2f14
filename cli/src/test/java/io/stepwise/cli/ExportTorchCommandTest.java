package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.Vocabulary;
import io.stepwise.torch.Npz;
import io.stepwise.train.SumTrainer;
import io.stepwise.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportTorchCommandTest {

    @TempDir
    Path dir;

    @Test
    void exportThenImportGivesTheSameTagger() throws IOException {
        TaggerModel original = new TaggerModel(new ModelMeta("pos", 5, Map.of()), Vocabulary.withUnknown(List.of("a", "b")),
                Vocabulary.closed(List.of("X", "Y", "Z")), 3, 4, 2).initRandom(3);
        Path file = dir.resolve("pos-v5.stepwise");
        ModelFile.write(original, file);
        Path npz = dir.resolve("pos.npz");

        CommandRun export = CommandRun.of(new ExportTorchCommand(), "--model", file, "--out", npz);
        CommandRun imported = CommandRun.of(new ImportTorchCommand(), npz, "--kind", "tagger", "--config", dir.resolve("pos.config.json"),
                "--out", dir.resolve("back.stepwise"), "--name", "pos", "--version", 5);

        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out().lines()).hasSize(1);
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(Npz.read(npz)).isEqualTo(original.parameters().stateDict());
        TaggerModel back = (TaggerModel) ModelFile.read(dir.resolve("back.stepwise"));
        assertThat(back.parameters().stateDict()).isEqualTo(original.parameters().stateDict());
        assertThat(back.words()).isEqualTo(original.words());
        assertThat(back.tags()).isEqualTo(original.tags());
        assertThat(back.tag(List.of("b", "unseen", "a"))).isEqualTo(original.tag(List.of("b", "unseen", "a")));
    }

    @Test
    void aFittedRecipeModelIsAPlainLstmAndLinearStateDictAndComesBackTheSame() throws IOException {
        SumTrainer.Settings o = SumTrainer.Settings.builder().hiddenSize(16).maxLength(1024).batchSize(16).build();
        SumModel original = new SumTrainer(o).train(new ModelMeta("sum", 3, Map.of()), TrainingListener.NONE).model();
        Path file = dir.resolve("fitted.stepwise");
        ModelFile.write(original, file);
        Path npz = dir.resolve("fitted.npz");

        CommandRun export = CommandRun.of(new ExportTorchCommand(), "--model", file, "--out", npz);
        CommandRun imported = CommandRun.of(new ImportTorchCommand(), npz, "--kind", "sum", "--config", dir.resolve("fitted.config.json"),
                "--out", dir.resolve("back.stepwise"), "--name", "sum", "--version", 3);

        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        // nn.LSTM(1, 16) and nn.Linear(16, 1): nothing but their state_dict entries, PyTorch's shapes
        Map<String, io.stepwise.tensor.Tensor> dict = Npz.read(npz);
        assertThat(dict.keySet()).containsExactlyInAnyOrder("lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0",
                "lstm.bias_hh_l0", "linear.weight", "linear.bias");
        assertThat(dict.get("lstm.weight_ih_l0").shape()).containsExactly(64, 1);
        assertThat(dict.get("lstm.weight_hh_l0").shape()).containsExactly(64, 16);
        assertThat(dict.get("linear.weight").shape()).containsExactly(1, 16);
        SumModel back = (SumModel) ModelFile.read(dir.resolve("back.stepwise"));
        assertThat(back.parameters().stateDict()).isEqualTo(original.parameters().stateDict());
        assertThat(SumTrainer.Recipe.of(back)).as("still the fitted recipe: rounds refit its read-out").isEqualTo(SumTrainer.Recipe.FITTED);
        // a stream four times longer than the fit's, summed the same by both, and right to 1% of std(sum)
        // there: the fitted recipe's accuracy survives the trip (its cells hold a function of the total
        // alone, so length past the fit is fine while the total stays within what the fit reached)
        double[] values = new double[4096];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(4);
        double exact = 0;
        for (int i = 0; i < values.length; i++) {
            values[i] = rng.nextInt(200) - 100;
            exact += values[i];
        }
        double[] sums = back.runningSums(values);
        assertThat(sums).containsExactly(original.runningSums(values));
        double stdOfSum = 100 / Math.sqrt(3) * Math.sqrt(values.length);
        assertThat(sums[values.length - 1]).isCloseTo(exact, org.assertj.core.data.Offset.offset(0.01 * stdOfSum));
        assertThat(back.validRange()).as("a PyTorch file carries no provenance: no range, no flag").isNull();
    }

    @Test
    void exportThenImportGivesTheSameSumModelWithAConfigWhereAsked() throws IOException {
        SumModel original = new SumModel(new ModelMeta("sum", 1, Map.of()), 5, 1, 100f, 1000f).initRandom(9);
        Path file = dir.resolve("sum.stepwise");
        ModelFile.write(original, file);
        Path configFile = dir.resolve("elsewhere.json");

        CommandRun export = CommandRun.of(new ExportTorchCommand(), "--model", file, "--out", dir.resolve("s.npz"), "--config", configFile);
        CommandRun imported = CommandRun.of(new ImportTorchCommand(), dir.resolve("s.npz"), "--kind", "sum", "--config", configFile,
                "--out", dir.resolve("back.stepwise"));

        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        SumModel back = (SumModel) ModelFile.read(dir.resolve("back.stepwise"));
        assertThat(back.parameters().stateDict()).isEqualTo(original.parameters().stateDict());
        assertThat(back.inputScale()).isEqualTo(100f);
        assertThat(back.targetScale()).isEqualTo(1000f);
        double[] values = {40, -3, 17};
        assertThat(back.runningSums(values)).containsExactly(original.runningSums(values));
    }

    @Test
    void anAlteredModelFileIsRefusedInOneLine() throws IOException {
        Path file = dir.resolve("sum-v1.stepwise");
        ModelFile.write(new SumModel(new ModelMeta("sum", 1, Map.of()), 2, 1, 1f, 1f).initRandom(1), file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);

        CommandRun run = CommandRun.of(new ExportTorchCommand(), "--model", file, "--out", dir.resolve("w.npz"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).startsWith("export-torch: model file sum-v1.stepwise: SHA-256 mismatch");
        assertThat(Files.exists(dir.resolve("w.npz"))).isFalse();
    }
}
