package io.stepwise.cli;

import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelKind;
import io.stepwise.model.ModelMeta;
import io.stepwise.torch.TorchInterchange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code stepwise import-torch}: a PyTorch {@code state_dict} saved with {@code numpy.savez}, as a model file. */
@Command(name = "import-torch",
        description = {"Turns a PyTorch state_dict saved with numpy.savez into a Stepwise model file.",
            "Save one with:",
            "  numpy.savez(\"w.npz\", **{k: v.numpy() for k, v in sd.items()})",
            "The config is described in docs/model-format.md."},
        sortOptions = false)
public final class ImportTorchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WEIGHTS.npz", description = "the state_dict, one <name>.npy entry per tensor")
    Path weights;

    @Option(names = "--kind", required = true, paramLabel = "tagger|sum", description = "which of the two models the weights are")
    String kind;

    @Option(names = "--config", required = true, paramLabel = "CONFIG.json",
            description = "what the state_dict does not hold: words and tags (tagger; a streaming tagger adds characters, "
                    + "max_chars, lowercase), input_scale and target_scale (sum)")
    Path config;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the model file to write")
    Path out;

    @Option(names = "--name", paramLabel = "NAME", description = "model name (default: the kind)")
    String name;

    @Option(names = "--version", paramLabel = "N", defaultValue = "1", description = "model version number (default: ${DEFAULT-VALUE})")
    int version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Override
    public Integer call() {
        try {
            ModelKind k = ModelKind.parse(kind);
            ModelMeta meta = new ModelMeta(name != null ? name : k.id(), version, provenance());
            Model model = TorchInterchange.importStateDict(weights, k, config, meta);
            ModelFile.write(model, out);
            String sha = ModelFile.sha256Hex(Files.readAllBytes(out));
            spec.commandLine().getOut().println(model.summary() + " -> " + out + " sha256 " + sha);
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            spec.commandLine().getErr().println(spec.name() + ": " + UserErrors.describe(e));
            spec.commandLine().getErr().flush();
            return UserErrors.EXIT_BAD_INPUT;
        }
    }

    /** Where the weights came from, so the model file says what it was made of. */
    private Map<String, Object> provenance() throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("imported_from", "PyTorch state_dict " + weights.getFileName());
        p.put("weights_sha256", ModelFile.sha256Hex(Files.readAllBytes(weights)));
        p.put("config", config.getFileName().toString());
        p.put("config_sha256", ModelFile.sha256Hex(Files.readAllBytes(config)));
        p.putAll(ModelMeta.platform());
        return p;
    }
}
