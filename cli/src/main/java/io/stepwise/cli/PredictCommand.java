package io.stepwise.cli;

import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.predict.OfflinePredictor;
import io.stepwise.wire.Element;
import io.stepwise.wire.ElementCodec;
import io.stepwise.wire.InvalidElementException;
import io.stepwise.wire.Result;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Offline, whole-sequence prediction over a file of elements in the streaming wire format. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        header = "Offline whole-sequence prediction over a file of elements.",
        description = {
            "Predicts offline over elements in the streaming wire format (JSON lines), writing the",
            "result records the streaming job writes. Elements are grouped by stream in seq order,",
            "duplicates (seq not above the last kept) dropped, end markers close a sequence; each",
            "sequence runs through the model whole. This is the reference the streaming job is",
            "tested against. Invalid lines are reported on stderr with their line number and skipped."})
public final class PredictCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file (a tagger or a sum model).")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "IN.jsonl", description = "Elements, one JSON object per line.")
    Path input;

    @Option(names = "--output", paramLabel = "OUT.jsonl", description = "Where to write results (default: standard output).")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Model m = ModelFile.read(model);
        PrintWriter err = spec.commandLine().getErr();
        List<Element> elements = new ArrayList<>();
        int invalid = 0;
        try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    elements.add(ElementCodec.parse(line));
                } catch (InvalidElementException e) {
                    invalid++;
                    err.printf("%s:%d: %s%n", input, n, e.getMessage());
                }
            }
        }
        OfflinePredictor.Outcome outcome = new OfflinePredictor(m).predict(elements);
        try (Writer w = output == null
                ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)) {
                    @Override
                    public void close() throws java.io.IOException {
                        flush(); // leave System.out open
                    }
                }
                : Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            for (Result r : outcome.results()) {
                w.write(r.toJson());
                w.write('\n');
            }
        }
        err.printf("predict: %s v%d, %d results from %d sequences; %d duplicates dropped, %d invalid lines skipped%n",
                m.name(), m.version(), outcome.results().size(), outcome.sequences(), outcome.duplicates(), invalid);
        err.flush();
        return 0;
    }
}
