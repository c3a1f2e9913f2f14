package io.stepwise.cli;

import io.stepwise.model.ModelKind;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.train.LossCurve;
import io.stepwise.train.SumData;
import io.stepwise.train.SumEvaluation;
import io.stepwise.train.SumTrainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stepwise train sum}: the notebook's running-sum regressor, and the notebook's error table. */
@Command(name = "sum",
        description = {
            "Trains the running-sum regressor (LSTM(1, H) -> Linear) on random integers in [-100, 100). The default "
                + "recipe (--recipe fitted) builds the LSTM as integrator cells at several scales and fits the read-out by "
                + "least squares on drifting streams of 4096 numbers; --recipe gradient is the earlier Adam run on "
                + "sequences of up to 256. Then prints the notebook's table: mean and std of the squared "
                + "error of the final sum for lengths 2, 4, 8, ... up to --eval-length on fresh sequences (num_prob = 1), beside the "
                + "notebook's published figures, with RMSE / std(true sum).",
            ""})
public final class TrainSumCommand implements Callable<Integer> {

    /**
     * The notebook's published mean squared errors of the final sum (its baseline LSTMRegression),
     * as quoted in the project's issue; shown beside ours for comparison, never used in training.
     */
    static final Map<Integer, Double> NOTEBOOK_MSE = Map.of(2, 5342.9, 4, 14519.9, 8, 27506.9, 16, 51115.8);

    /** RMSE / std(sum) within which an evaluated length counts as valid in the model's {@code valid_range}. */
    static final double VALID_TOLERANCE = 0.01;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    /** The defaults every option below shows and starts from: declared once, in the trainer's settings. */
    private static final SumTrainer.Settings DEFAULTS = SumTrainer.Settings.defaults();

    @Option(names = "--recipe", paramLabel = "NAME", defaultValue = "fitted",
            description = "fitted (multi-scale integrators and a least-squares read-out, no gradient steps) or gradient "
                    + "(Adam on sequences of up to 256, the recipe before; far less accurate beyond 256) (default: ${DEFAULT-VALUE}).")
    String recipe;

    @Option(names = {"--hidden-size", "--hidden"}, paramLabel = "H",
            description = "LSTM hidden size (default: ${DEFAULT-VALUE}; --hidden is the old spelling).")
    int hidden = DEFAULTS.hiddenSize();

    @Option(names = {"--max-length", "--max-len"}, paramLabel = "N",
            description = "Longest training stream (default: " + SumTrainer.DEFAULT_MAX_LENGTH
                    + ", or 256 with --recipe gradient; --max-len is the old spelling).")
    Integer maxLen;

    @Option(names = {"--eval-length", "--eval-len"}, paramLabel = "N", defaultValue = "4096",
            description = "Longest test sequence: the table has lengths 2, 4, 8, ... up to N (default: ${DEFAULT-VALUE}).")
    int evalLen;

    /** How long to train: a number of steps (reproducible) or minutes of wall time (not). */
    static final class Budget {
        @Option(names = "--steps", paramLabel = "N", description = "Adam steps (default: none with --recipe fitted, which they "
                + "make worse; 12000 with --recipe gradient; same seed, same model).")
        Long steps;

        @Option(names = "--minutes", paramLabel = "M", description = "Train for M minutes of wall time instead (not reproducible).")
        Double minutes;
    }

    @ArgGroup(exclusive = true)
    Budget budget;

    @Option(names = {"--batch-size", "--batch"}, paramLabel = "N",
            description = "Sequences per optimizer step (default: ${DEFAULT-VALUE}; --batch is the old spelling).")
    int batch = DEFAULTS.batchSize();

    @Option(names = {"--learning-rate", "--lr"}, paramLabel = "RATE",
            description = "Adam's starting learning rate; it decays geometrically to 1/100 of it (default: ${DEFAULT-VALUE}; --lr is the old spelling).")
    double lr = DEFAULTS.learningRate();

    @Option(names = "--test-sequences", paramLabel = "N", defaultValue = "1000",
            description = "Fresh test sequences per length (default: ${DEFAULT-VALUE}).")
    int testSequences;

    @Option(names = "--plot-error", paramLabel = "FILE.png", description = "Write the notebook's log-log plot of error against length.")
    Path plotError;

    @Mixin
    ModelOutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SumTrainer.Settings opts = settings();
        output.checkWritable(true);
        ModelOutputOptions.checkParent(plotError, "--plot-error");
        if (testSequences < 2) {
            throw new IllegalArgumentException("--test-sequences must be >= 2, got " + testSequences);
        }
        if (evalLen < 2) {
            throw new IllegalArgumentException("--eval-length must be >= 2, got " + evalLen);
        }
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("data", String.format(Locale.ROOT, "generated, seeded: integers uniform in [%d, %d), %s",
                SumData.LOW, SumData.HIGH, opts.minNumProb() == 1 ? "num_prob 1"
                        : "num_prob per batch uniform in [" + opts.minNumProb() + ", 1]"));
        provenance.put("trainer", opts.provenance());
        provenance.putAll(ModelMeta.platform());
        SumTrainer trainer = new SumTrainer(opts);
        ModelMeta meta = new ModelMeta(output.name(ModelKind.SUM), output.version, provenance);
        SumModel model = trainer.newModel(meta);

        LossCurve curve = new LossCurve();
        ProgressListener bar = new ProgressListener(System.err, "sequences");
        SumTrainer.Result result;
        try {
            result = trainer.train(model, curve.andThen(bar));
        } finally {
            bar.close();
        }
        if (opts.recipe() == SumTrainer.Recipe.FITTED) {
            out.printf(Locale.ROOT, "fitted the read-out of %d multi-scale integrator cells on streams of %d in %.0f s, no gradient steps%n",
                    opts.hiddenSize(), opts.maxLength(), result.seconds());
        } else {
            out.printf(Locale.ROOT, "trained %d steps in %.0f s (%.1f steps/s), hidden %d, lengths up to %d%n",
                    result.steps(), result.seconds(), result.steps() / result.seconds(), opts.hiddenSize(), opts.maxLength());
        }

        List<SumEvaluation.Row> rows = SumEvaluation.evaluate(model, evalLen, testSequences, opts.seed() + 1_000_003L);
        printTable(out, rows, testSequences);

        Map<String, Object> withEval = new LinkedHashMap<>(provenance);
        Map<String, Object> eval = new LinkedHashMap<>();
        for (SumEvaluation.Row r : rows) {
            eval.put(String.valueOf(r.length()), Map.of("mse", r.meanSquaredError(), "rmse_over_std", r.relativeError()));
        }
        withEval.put("evaluation", eval);
        // what a consumer needs to flag extrapolation: the lengths and totals this evaluation supports
        withEval.put("valid_range", SumEvaluation.validRange(rows, VALID_TOLERANCE, opts.maxLength()).provenance());
        withEval.put("steps_trained", result.steps());
        SumModel saved = model.withMeta(new ModelMeta(meta.name(), meta.version(), withEval));
        out.println(output.save(saved));
        if (output.plot != null) {
            Plots.lossCurve(curve, "sum regressor: weighted MSE of the scaled running sums", output.plot);
            out.println("loss curve written to " + output.plot);
        }
        if (plotError != null) {
            Plots.errorByLength(rows, NOTEBOOK_MSE, plotError);
            out.println("error plot written to " + plotError);
        }
        out.flush();
        return 0;
    }

    SumTrainer.Settings settings() {
        if (hidden < 1) {
            throw new IllegalArgumentException("--hidden-size must be >= 1, got " + hidden);
        }
        if (maxLen != null && maxLen < 2) {
            throw new IllegalArgumentException("--max-length must be >= 2, got " + maxLen);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("--learning-rate must be > 0, got " + lr);
        }
        SumTrainer.Settings base = switch (recipe) {
            case "fitted" -> DEFAULTS;
            case "gradient" -> SumTrainer.gradientRecipe();
            default -> throw new IllegalArgumentException("--recipe must be fitted or gradient, got '" + recipe + "'");
        };
        if (base.recipe() == SumTrainer.Recipe.FITTED && budget != null) {
            throw new IllegalArgumentException("--steps and --minutes bound Adam steps, which only --recipe gradient takes "
                    + "(the default fitted recipe takes none: they make it worse)");
        }
        SumTrainer.Builder b = base.toBuilder().hiddenSize(hidden).maxLength(maxLen == null ? base.maxLength() : maxLen)
                .seed(output.seedOr(base.seed()))
                .batchSize(TrainTaggerCommand.positive("--batch-size", batch))
                .learningRate(lr).finalLearningRate(lr * base.finalLearningRate() / base.learningRate());
        if (budget != null && budget.steps != null) {
            if (budget.steps < 1) {
                throw new IllegalArgumentException("--steps must be >= 1, got " + budget.steps);
            }
            b.steps(budget.steps);
        } else if (budget != null && budget.minutes != null) {
            if (!(budget.minutes > 0)) {
                throw new IllegalArgumentException("--minutes must be > 0, got " + budget.minutes);
            }
            b.minutes(budget.minutes);
        }
        return b.build();
    }

    /** The notebook's table, our figures first, then its published ones and the error relative to the sum's spread. */
    static void printTable(PrintWriter out, List<SumEvaluation.Row> rows, int sequences) {
        out.printf(Locale.ROOT, "squared error of the final sum, %d fresh sequences per length (num_prob = 1), stepwise:%n", sequences);
        out.printf(Locale.ROOT, "%5s %12s %12s %16s %10s %12s %10s%n", "len", "mean", "std", "notebook mean*", "rmse", "std(sum)", "rmse/std");
        for (SumEvaluation.Row r : rows) {
            Double nb = NOTEBOOK_MSE.get(r.length());
            out.printf(Locale.ROOT, "%5d %12.4f %12.4f %16s %10.4f %12.2f %9.4f%%%n", r.length(), r.meanSquaredError(),
                    r.stdSquaredError(), nb == null ? "-" : String.format(Locale.ROOT, "%.1f", nb), r.rmse(), r.stdTrueSum(),
                    100 * r.relativeError());
        }
        out.println("* the notebook's published figures for its LSTMRegression, for comparison");
    }
}
