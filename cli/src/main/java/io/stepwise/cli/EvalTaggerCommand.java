package io.stepwise.cli;

import io.stepwise.io.Conllu;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.model.TaggerModel;
import io.stepwise.train.TaggedSentence;
import io.stepwise.train.TaggerEvaluation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stepwise eval tagger}: token accuracy of a tagger on a CoNLL-U treebank. */
@Command(name = "tagger",
        description = {"Prints the token accuracy (UPOS) of a tagger model on a CoNLL-U treebank: at every decoding",
            "delay the model allows, on known and unknown words, per tag, and the most frequent confusions;",
            "the last line is 'accuracy: 0.xxxx' (the model's final tags)."})
public final class EvalTaggerCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A tagger model version file.")
    Path model;

    @Option(names = "--conllu", required = true, paramLabel = "TEST.conllu", description = "Treebank to score on.")
    Path conllu;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TrainTaggerCommand.requireFile(model, "--model");
        TrainTaggerCommand.requireFile(conllu, "--conllu");
        Model m = ModelFile.read(model);
        if (!(m instanceof TaggerModel tagger)) {
            throw new IllegalArgumentException(model + " is a " + m.kind().id() + " model, not a tagger");
        }
        List<TaggedSentence> sentences = Conllu.read(conllu);
        if (sentences.isEmpty()) {
            throw new IllegalArgumentException(conllu + " holds no sentences");
        }
        TaggerEvaluation.Report report = TaggerEvaluation.report(tagger, sentences);
        TaggerEvaluation.Accuracy acc = report.finalTags().all();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "model: %s (%s)%n", tagger.summary(), model.getFileName());
        out.printf(Locale.ROOT, "data: %s, %d sentences, %d words, %d not in the vocabulary%n",
                conllu.getFileName(), sentences.size(), acc.tokens(), report.finalTags().unknown().tokens());
        out.printf(Locale.ROOT, "correct: %d of %d (the final tags, at delay %d)%n", acc.correct(), acc.tokens(), tagger.delay());
        TaggerReport.print(out, report, true);
        return 0;
    }
}
