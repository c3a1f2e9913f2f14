package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.model.ModelFile;
import io.stepwise.model.SumModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainSumCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsTheNotebooksTableWritesTheModelAndThePlots() throws Exception {
        Path model = dir.resolve("sum.stepwise");
        Path errorPlot = dir.resolve("error.png");
        Path lossPlot = dir.resolve("loss.png");

        CliRun r = CliRun.of(new TrainCommand(), "sum", "--recipe", "gradient", "--hidden", "8", "--max-len", "8", "--eval-len", "8", "--steps", "60",
                "--test-sequences", "50", "--out", model.toString(), "--plot-error", errorPlot.toString(),
                "--plot", lossPlot.toString(), "--name", "adder", "--version", "2");

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> rows = r.out().lines().filter(l -> l.matches("\\s*\\d+\\s+.*%")).toList();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).trim()).startsWith("2 ").contains("5342.9");
        assertThat(rows.get(2).trim()).startsWith("8 ").contains("27506.9");
        assertThat(r.out()).contains("len").contains("mean").contains("std").contains("rmse/std");
        SumModel m = (SumModel) ModelFile.read(model);
        assertThat(m.name()).isEqualTo("adder");
        assertThat(m.version()).isEqualTo(2);
        assertThat(m.lstmConfig().hiddenSize()).isEqualTo(8);
        assertThat(m.meta().provenance()).containsKeys("trainer", "evaluation", "valid_range", "java_version");
        for (Path png : List.of(errorPlot, lossPlot)) {
            assertThat(Arrays.copyOf(Files.readAllBytes(png), 4)).containsExactly(0x89, 'P', 'N', 'G');
        }
    }

    @Test
    void theDefaultRecipeFitsWithoutStepsAndRecordsTheRangeItsTableValidates() throws Exception {
        Path model = dir.resolve("fitted.stepwise");

        CliRun r = CliRun.of(new TrainCommand(), "sum", "--hidden", "8", "--max-len", "256", "--eval-len", "512",
                "--test-sequences", "100", "--out", model.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("fitted the read-out of 8 multi-scale integrator cells on streams of 256");
        List<String> rows = r.out().lines().filter(l -> l.matches("\\s*\\d+\\s+.*%")).toList();
        assertThat(rows).as(r.out()).hasSize(9);
        SumModel m = (SumModel) ModelFile.read(model);
        assertThat(m.meta().provenance().get("steps_trained")).isEqualTo(0);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> trainer = (java.util.Map<String, Object>) m.meta().provenance().get("trainer");
        assertThat(trainer.get("recipe")).isEqualTo("fitted");
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> range = (java.util.Map<String, Object>) m.meta().provenance().get("valid_range");
        // every length to 512 within 1% here (8 cells, fitted to 256): the table's last length is validated
        assertThat(((Number) range.get("validated_max_length")).intValue()).isEqualTo(512);
        assertThat(((Number) range.get("trained_max_length")).intValue()).isEqualTo(256);
    }

    @Test
    void badOptionsAreOneLineUserErrors() {
        Path out = dir.resolve("s.stepwise");

        assertThat(CliRun.of(new TrainCommand(), "sum", "--steps", "10").isOneLineUserError()).isTrue();
        assertThat(CliRun.of(new TrainCommand(), "sum", "--steps", "0", "--out", out.toString()).isOneLineUserError()).isTrue();
        assertThat(CliRun.of(new TrainCommand(), "sum", "--max-len", "1", "--out", out.toString()).isOneLineUserError()).isTrue();
        assertThat(CliRun.of(new TrainCommand(), "sum", "--eval-len", "1", "--out", out.toString()).isOneLineUserError()).isTrue();
        assertThat(CliRun.of(new TrainCommand(), "sum", "--recipe", "sgd", "--out", out.toString()).isOneLineUserError()).isTrue();
        CliRun stepsOnFitted = CliRun.of(new TrainCommand(), "sum", "--steps", "10", "--out", out.toString());
        assertThat(stepsOnFitted.isOneLineUserError()).isTrue();
        assertThat(stepsOnFitted.err()).contains("--recipe gradient");
        assertThat(CliRun.of(new TrainCommand(), "sum", "--recipe", "gradient", "--steps", "5", "--out", dir.resolve("no/such/dir/s.stepwise").toString())
                .isOneLineUserError()).isTrue();
    }
}
