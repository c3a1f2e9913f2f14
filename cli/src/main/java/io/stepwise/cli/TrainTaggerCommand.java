package io.stepwise.cli;

import io.stepwise.io.Conllu;
import io.stepwise.model.ModelKind;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.Prediction;
import io.stepwise.model.TaggerModel;
import io.stepwise.train.LossCurve;
import io.stepwise.train.OptimizerKind;
import io.stepwise.train.TaggedSentence;
import io.stepwise.train.TaggerEvaluation;
import io.stepwise.train.TaggerTrainer;
import io.stepwise.train.TaggerTutorial;
import io.stepwise.train.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stepwise train tagger}: the tutorial's tagger, on its two sentences or on a CoNLL-U treebank. */
@Command(name = "tagger",
        description = {
            "Trains the part-of-speech tagger (Embedding -> LSTM -> Linear -> log-softmax), either on the "
                + "PyTorch tutorial's two sentences (--tutorial) or on a CoNLL-U treebank (--conllu).",
            ""})
public final class TrainTaggerCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--tutorial", description = "Train exactly as the tutorial does: its two sentences, SGD 0.1, one sentence per step; starts from the tutorial's own initial weights unless --seed is given, and prints its before/after tables.")
    boolean tutorial;

    @Option(names = "--conllu", paramLabel = "TRAIN.conllu", description = "Train on a CoNLL-U treebank (UPOS column), in mini-batches with Adam.")
    Path conllu;

    @Option(names = "--dev", paramLabel = "DEV.conllu", description = "Development treebank, for accuracy after every epoch.")
    Path dev;

    /** The defaults every treebank option below shows and starts from: declared once, the trainer's streaming recipe. */
    private static final TaggerTrainer.Settings DEFAULTS = TaggerTrainer.streamingRecipe();

    @Option(names = "--epochs", paramLabel = "N",
            description = "Passes over the data (default: " + TaggerTutorial.EPOCHS + " with --tutorial, else ${DEFAULT-VALUE}).")
    int epochs = DEFAULTS.epochs();

    @Option(names = {"--embedding-dim", "--embedding"}, paramLabel = "N",
            description = "Word embedding size (default: ${DEFAULT-VALUE}; --embedding is the old spelling).")
    int embedding = DEFAULTS.embeddingDim();

    @Option(names = {"--hidden-size", "--hidden"}, paramLabel = "N",
            description = "LSTM hidden size (default: ${DEFAULT-VALUE}; --hidden is the old spelling).")
    int hidden = DEFAULTS.hiddenSize();

    @Option(names = {"--num-layers", "--layers"}, paramLabel = "N",
            description = "Stacked LSTM layers (default: ${DEFAULT-VALUE}; --layers is the old spelling).")
    int layers = DEFAULTS.numLayers();

    @Option(names = {"--batch-size", "--batch"}, paramLabel = "N",
            description = "Sentences per optimizer step (default: ${DEFAULT-VALUE}; --batch is the old spelling).")
    int batch = DEFAULTS.batchSize();

    @Option(names = {"--learning-rate", "--lr"}, paramLabel = "RATE",
            description = "Learning rate (default: ${DEFAULT-VALUE} for Adam, " + SGD_RATE + " for SGD; --lr is the old spelling).")
    double lr = DEFAULTS.learningRate();

    @Option(names = "--optimizer", paramLabel = "adam|sgd", description = "ND4J updater (default: ${DEFAULT-VALUE}).")
    String optimizer = DEFAULTS.optimizer().name().toLowerCase(Locale.ROOT);

    @Option(names = "--min-count", paramLabel = "N", description = "Words seen fewer times become <unk> (default: ${DEFAULT-VALUE}).")
    int minCount = DEFAULTS.minCount();

    @Option(names = {"--clip-norm", "--clip"}, paramLabel = "NORM",
            description = "Clip the gradient's global norm, 0 for none (default: ${DEFAULT-VALUE}; --clip is the old spelling).")
    double clip = DEFAULTS.clipNorm();

    @Option(names = "--char-dim", paramLabel = "N", description = "Character embedding size; 0 for no character features (default: ${DEFAULT-VALUE}).")
    int charDim = DEFAULTS.charDim();

    @Option(names = "--char-hidden", paramLabel = "N",
            description = "Hidden size of each direction of the character LSTM; 0 for none (default: ${DEFAULT-VALUE}).")
    int charHidden = DEFAULTS.charHidden();

    @Option(names = "--max-chars", paramLabel = "N",
            description = "A longer word is read as its first and last N/2 characters (default: ${DEFAULT-VALUE}).")
    int maxChars = DEFAULTS.maxChars();

    @Option(names = "--char-min-count", paramLabel = "N",
            description = "Characters seen fewer times are the unknown character (default: ${DEFAULT-VALUE}).")
    int charMinCount = DEFAULTS.charMinCount();

    @Option(names = "--delay", paramLabel = "D",
            description = "Decoding delay, 0 to 3: a word's tag is final once D more words have arrived (default: ${DEFAULT-VALUE}).")
    int delay = DEFAULTS.delay();

    @Option(names = "--lowercase", negatable = true, fallbackValue = "true",
            description = "Look words up lower-cased; the characters keep their case (default: ${DEFAULT-VALUE}).")
    boolean lowercase = DEFAULTS.lowercase();

    @Option(names = "--final-learning-rate", paramLabel = "RATE",
            description = "Learning rate at the end, reached linearly; 0 keeps it constant (default: ${DEFAULT-VALUE}).")
    double finalLr = DEFAULTS.finalLearningRate();

    @Option(names = "--word-dropout", paramLabel = "ALPHA",
            description = "A word seen c times is read as unknown with probability ALPHA/(ALPHA+c) in training (default: ${DEFAULT-VALUE}).")
    double wordDropout = DEFAULTS.wordDropout();

    @Option(names = "--word-dropout-floor", paramLabel = "P",
            description = "The least probability of reading a training word as unknown (default: ${DEFAULT-VALUE}).")
    double wordDropoutFloor = DEFAULTS.wordDropoutFloor();

    @Option(names = "--input-dropout", paramLabel = "P", description = "Dropout on the LSTM's input in training (default: ${DEFAULT-VALUE}).")
    double inputDropout = DEFAULTS.inputDropout();

    @Option(names = "--output-dropout", paramLabel = "P",
            description = "Dropout on the LSTM's output in training (default: ${DEFAULT-VALUE}).")
    double outputDropout = DEFAULTS.outputDropout();

    /** SGD's default learning rate, the tutorial's. */
    static final double SGD_RATE = 0.1;

    /** The options only a treebank run takes; --tutorial trains exactly as the tutorial does. */
    private static final List<String> TREEBANK_ONLY = List.of("--dev", "--embedding-dim", "--hidden-size", "--num-layers",
            "--batch-size", "--learning-rate", "--optimizer", "--min-count", "--clip-norm", "--char-dim", "--char-hidden",
            "--max-chars", "--char-min-count", "--delay", "--lowercase", "--final-learning-rate", "--word-dropout", "--word-dropout-floor",
            "--input-dropout", "--output-dropout");

    @Mixin
    ModelOutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (tutorial == (conllu != null)) {
            throw new IllegalArgumentException("give either --tutorial or --conllu TRAIN.conllu");
        }
        return tutorial ? tutorial() : treebank();
    }

    // ---- the tutorial ---------------------------------------------------------------------------

    private int tutorial() throws Exception {
        var parsed = spec.commandLine().getParseResult();
        if (TREEBANK_ONLY.stream().anyMatch(parsed::hasMatchedOption)) {
            throw new IllegalArgumentException("--tutorial trains exactly as the tutorial does; it takes only --epochs, --seed and the output options");
        }
        int n = parsed.hasMatchedOption("--epochs") ? positive("--epochs", epochs) : TaggerTutorial.EPOCHS;
        output.checkWritable(false);
        PrintWriter out = spec.commandLine().getOut();
        TaggerTutorial t = TaggerTutorial.load();
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("data", "PyTorch tutorial 'Sequence Models and LSTM Networks', the tagger's 2 training sentences");
        provenance.put("initial_weights", output.seed == null ? "the tutorial's (torch.manual_seed(1))" : "seeded random");
        if (output.seed != null) {
            provenance.put("seed", output.seed);
        }
        provenance.put("optimizer", "sgd");
        provenance.put("learning_rate", TaggerTutorial.LEARNING_RATE);
        provenance.put("epochs", n);
        provenance.putAll(ModelMeta.platform());
        ModelMeta meta = new ModelMeta(output.name(ModelKind.TAGGER), output.version, provenance);
        TaggerModel model = output.seed == null ? t.initialModel(meta) : t.randomModel(meta, output.seed);

        TaggedSentence first = t.trainingData().get(0);
        printScores(out, "Before training", model, first.words());
        LossCurve curve = new LossCurve();
        ProgressListener bar = new ProgressListener(System.err, "sentences");
        try {
            TaggerTutorial.train(model, t.trainingData(), n, curve.andThen(bar));
        } finally {
            bar.close();
        }
        printScores(out, "After training", model, first.words());
        finish(out, model, curve, "tagger (tutorial): mean loss per epoch");
        return 0;
    }

    /** The tutorial's table: each word with its tag and the log-probability of every tag. */
    static void printScores(PrintWriter out, String title, TaggerModel model, List<String> words) {
        List<String> tags = model.tags().entries();
        out.printf("%s: tag scores (log-probabilities) for \"%s\"%n", title, String.join(" ", words));
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-10s %-5s", "word", "tag"));
        for (String tag : tags) {
            head.append(String.format(Locale.ROOT, " %9s", tag));
        }
        out.println(head);
        TaggerModel.Stepper stepper = model.newStepper();
        io.stepwise.lstm.LstmState state = io.stepwise.lstm.LstmState.zeros(model.lstmConfig());
        for (String w : words) {
            Prediction.Tag tagged = stepper.step(w, state);
            float[] scores = stepper.lastLogProbabilities();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-10s %-5s", w, tagged.tag()));
            for (float s : scores) {
                line.append(String.format(Locale.ROOT, " %9.4f", s));
            }
            out.println(line);
        }
        out.flush();
    }

    // ---- a treebank -----------------------------------------------------------------------------

    private int treebank() throws Exception {
        OptimizerKind kind = parseOptimizer(optimizer);
        boolean rateGiven = spec.commandLine().getParseResult().hasMatchedOption("--learning-rate");
        TaggerTrainer.Settings opts = DEFAULTS.toBuilder()
                .embeddingDim(positive("--embedding-dim", embedding))
                .hiddenSize(positive("--hidden-size", hidden))
                .numLayers(positive("--num-layers", layers))
                .batchSize(positive("--batch-size", batch))
                .epochs(positive("--epochs", epochs))
                .optimizer(kind)
                .learningRate(rateGiven || kind != OptimizerKind.SGD ? lr : SGD_RATE)
                .minCount(positive("--min-count", minCount))
                .clipNorm(clip)
                .charDim(charDim).charHidden(charHidden).maxChars(maxChars).charMinCount(positive("--char-min-count", charMinCount))
                .delay(delay).lowercase(lowercase).finalLearningRate(finalLr)
                .wordDropout(wordDropout).wordDropoutFloor(wordDropoutFloor).inputDropout(inputDropout).outputDropout(outputDropout)
                .seed(output.seedOr(DEFAULTS.seed()))
                .build();
        output.checkWritable(true);
        requireFile(conllu, "--conllu");
        if (dev != null) {
            requireFile(dev, "--dev");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<TaggedSentence> train = Conllu.read(conllu);
        if (train.isEmpty()) {
            throw new IllegalArgumentException(conllu + " holds no sentences");
        }
        List<TaggedSentence> devData = dev == null ? List.of() : Conllu.read(dev);
        out.printf(Locale.ROOT, "training on %s: %d sentences, %d words%s%n", conllu.getFileName(), train.size(),
                words(train), dev == null ? "" : String.format(Locale.ROOT, "; dev %s: %d sentences", dev.getFileName(), devData.size()));

        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("train_data", DataFiles.describe(conllu));
        if (dev != null) {
            provenance.put("dev_data", DataFiles.describe(dev));
        }
        if (DataFiles.isEnglishEwt(conllu)) {
            provenance.put("attribution", DataFiles.EWT_ATTRIBUTION);
        }
        provenance.put("trainer", opts.provenance());
        provenance.putAll(ModelMeta.platform());
        TaggerTrainer trainer = new TaggerTrainer(opts);
        ModelMeta meta = new ModelMeta(output.name(ModelKind.TAGGER), output.version, provenance);
        TaggerModel model = trainer.newModel(meta, train);
        out.printf(Locale.ROOT, "model: %s%n", model.summary());
        out.flush();

        LossCurve curve = new LossCurve();
        ProgressListener bar = new ProgressListener(System.err, "sentences");
        TrainingListener epochLines = new TrainingListener() {
            @Override
            public void epochDone(Epoch e) {
                Double acc = e.metrics().get("dev_accuracy");
                out.printf(Locale.ROOT, "epoch %d/%d  loss %.4f%s%n", e.epoch() + 1, opts.epochs(), e.meanLoss(),
                        acc == null ? "" : String.format(Locale.ROOT, "  dev accuracy %.4f", acc));
                out.flush();
            }
        };
        TaggerTrainer.Result result;
        long started = System.nanoTime();
        try {
            result = trainer.train(model, train, devData, curve.andThen(bar).andThen(epochLines));
        } finally {
            bar.close();
        }
        out.printf(Locale.ROOT, "trained in %.0f s%n", (System.nanoTime() - started) / 1e9);
        if (!devData.isEmpty()) {
            TaggerEvaluation.Report report = TaggerEvaluation.report(model, devData);
            TaggerReport.print(out, report, false);
            // the provenance is fixed at construction; record the final dev accuracy on a copy
            Map<String, Object> withScore = new LinkedHashMap<>(provenance);
            withScore.put("dev_accuracy", report.finalTags().all().value());
            Map<String, Double> byDelay = new LinkedHashMap<>();
            report.byDelay().forEach(d -> byDelay.put(String.valueOf(d.delay()), d.all().value()));
            withScore.put("dev_accuracy_by_delay", byDelay);
            model = model.withMeta(new ModelMeta(meta.name(), meta.version(), withScore));
        }
        finish(out, model, curve, "tagger on " + conllu.getFileName() + ": loss");
        return 0;
    }

    private void finish(PrintWriter out, TaggerModel model, LossCurve curve, String plotTitle) throws Exception {
        String saved = output.save(model);
        if (saved != null) {
            out.println(saved);
        }
        if (output.plot != null) {
            Plots.lossCurve(curve, plotTitle, output.plot);
            out.println("loss curve written to " + output.plot);
        }
        out.flush();
    }

    private static long words(List<TaggedSentence> s) {
        return s.stream().mapToLong(TaggedSentence::length).sum();
    }

    static OptimizerKind parseOptimizer(String s) {
        try {
            return OptimizerKind.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--optimizer must be adam or sgd, got '" + s + "'");
        }
    }

    static int positive(String option, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, got " + v);
        }
        return v;
    }

    static void requireFile(Path p, String option) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(option + " " + p + ": no such file");
        }
    }
}
