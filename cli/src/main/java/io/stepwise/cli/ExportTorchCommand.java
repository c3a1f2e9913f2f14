package io.stepwise.cli;

import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.torch.TorchInterchange;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stepwise export-torch}: a model file's weights as a {@code numpy.savez} state_dict, plus the config to import it again. */
@Command(name = "export-torch",
        description = {"Writes a model file's weights as a PyTorch state_dict (numpy.savez form)",
            "and the config that import-torch needs to read them back. Load in PyTorch with:",
            "  w = numpy.load(\"w.npz\")",
            "  model.load_state_dict({k: torch.from_numpy(w[k]) for k in w.files})"},
        sortOptions = false)
public final class ExportTorchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "the model file to export")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "WEIGHTS.npz", description = "the .npz to write")
    Path out;

    @Option(names = "--config", paramLabel = "CONFIG.json",
            description = "where to write the config for import-torch (default: WEIGHTS.config.json beside the .npz)")
    Path config;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Override
    public Integer call() {
        try {
            Model m = ModelFile.read(model);
            Path configPath = config != null ? config : TorchInterchange.defaultConfigPath(out);
            TorchInterchange.exportStateDict(m, out);
            TorchInterchange.writeConfig(m, configPath);
            spec.commandLine().getOut().println(m.summary() + " -> " + out + " (" + m.parameters().asMap().size()
                    + " tensors), config " + configPath);
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            spec.commandLine().getErr().println(spec.name() + ": " + UserErrors.describe(e));
            spec.commandLine().getErr().flush();
            return UserErrors.EXIT_BAD_INPUT;
        }
    }
}
