package io.stepwise.cli;

import io.stepwise.torch.FixtureCheck;
import io.stepwise.torch.JsonTensors;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs PyTorch reference files against this implementation and prints the differences. */
@Command(name = "check-torch", mixinStandardHelpOptions = true,
        header = "Checks Stepwise against PyTorch reference files.",
        description = {
            "Runs PyTorch reference files (the formats of lstm-core/src/test/resources/fixtures:",
            "LSTM parity, loss gradients, a training trajectory, the tutorial's seed tensor, the",
            "streaming tagger with character features and delayed heads) against Stepwise and",
            "prints, per case, the largest absolute difference. Exits 1 when any case is",
            "beyond tolerance: forward 1e-5; gradients, losses and trained weights 1e-4 x",
            "max(1, |reference|); numbers the tutorial printed, to their 4 decimal places (left out",
            "of the last line, 'max abs diff: X', which is over full-precision references only)."})
public final class CheckTorchCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FIXTURE.json", description = "Reference files to check.")
    List<Path> files;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        double worst = 0;
        boolean allOk = true;
        for (Path f : files) {
            List<FixtureCheck.Result> results = FixtureCheck.check(JsonTensors.read(f));
            out.printf("%s%n", f.getFileName());
            for (FixtureCheck.Result r : results) {
                out.printf("  %-4s %-48s %-40s max abs diff %.3e%n", r.ok() ? "ok" : "FAIL", r.caseName(), r.quantity(), r.maxAbsDiff());
                allOk &= r.ok();
                if (!r.rounded()) {
                    worst = Double.isNaN(r.maxAbsDiff()) ? Double.NaN : Math.max(worst, r.maxAbsDiff());
                }
            }
        }
        out.printf("max abs diff: %.3e%n", worst);
        out.flush();
        return allOk ? 0 : 1;
    }
}
