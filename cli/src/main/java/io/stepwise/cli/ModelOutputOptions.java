package io.stepwise.cli;

import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every {@code train} command shares: where the model goes, what it is called, the seed, the plot. */
public final class ModelOutputOptions {

    @Option(names = "--out", paramLabel = "FILE", description = "Write the trained model version to FILE.")
    Path out;

    @Option(names = "--name", paramLabel = "NAME", description = "Model name (default: the kind, e.g. tagger or sum).")
    String name;

    @Option(names = "--version", paramLabel = "N", defaultValue = "1", description = "Model version number (default: ${DEFAULT-VALUE}).")
    int version;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed: same seed, same model.")
    Long seed;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Write the loss curve as a PNG image.")
    Path plot;

    String name(ModelKind kind) {
        return name == null ? kind.id() : name;
    }

    long seedOr(long fallback) {
        return seed == null ? fallback : seed;
    }

    /** Fails before training when the outputs cannot be written, rather than after minutes of work. */
    void checkWritable(boolean outRequired) {
        if (version < 1) {
            throw new IllegalArgumentException("--version must be >= 1, got " + version);
        }
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("--name must not be blank");
        }
        if (outRequired && out == null) {
            throw new IllegalArgumentException("missing --out FILE: where to write the trained model");
        }
        checkParent(out, "--out");
        checkParent(plot, "--plot");
    }

    static void checkParent(Path file, String option) {
        if (file == null) {
            return;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException(option + " " + file + ": directory " + parent + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + " " + file + " is a directory, expected a file name");
        }
    }

    /** Writes the model if --out was given; returns a line saying where it went, or null. */
    String save(Model model) throws IOException {
        if (out == null) {
            return null;
        }
        ModelFile.write(model, out);
        return "model " + model.name() + " v" + model.version() + " written to " + out;
    }
}
