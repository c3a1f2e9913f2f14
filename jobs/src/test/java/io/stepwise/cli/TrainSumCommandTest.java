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

        CliRun r = CliRun.of(new TrainCommand(), "sum", "--hidden", "8", "--max-len", "8", "--eval-len", "8", "--steps", "60",
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
    void badOptionsAreOneLineUserErrors() {
        Path out = dir.resolve("s.stepwise");

        assertThat(CliRun.of(new TrainCommand(), "sum", "--steps", "10").isOneLineUserError()).isTrue();
        assertThat(CliRun.of(new TrainCommand(), "sum", "--steps", "0", "--out", out.toString()).isOneLineUserError()).isTrue();
        assertThat(CliRun.of(new TrainCommand(), "sum", "--max-len", "1", "--out", out.toString()).isOneLineUserError()).isTrue();
        assertThat(CliRun.of(new TrainCommand(), "sum", "--eval-len", "1", "--out", out.toString()).isOneLineUserError()).isTrue();
        assertThat(CliRun.of(new TrainCommand(), "sum", "--steps", "5", "--out", dir.resolve("no/such/dir/s.stepwise").toString())
                .isOneLineUserError()).isTrue();
    }
}
