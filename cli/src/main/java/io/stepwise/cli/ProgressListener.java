package io.stepwise.cli;

import io.stepwise.train.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a training run as a progress bar on stderr: the share done, the epoch, the last loss and
 * the throughput. The bar counts percent of the planned run, so step- and time-bounded runs look
 * alike.
 */
final class ProgressListener implements TrainingListener {

    private static final int SCALE = 100;

    private final PrintStream out;
    private final String unit;
    private ProgressBar bar;
    private int epochs;

    /** {@code unit} names what examples/s counts, e.g. "sentences" or "sequences". */
    ProgressListener(PrintStream out, String unit) {
        this.out = out;
        this.unit = unit;
    }

    @Override
    public void trainingStarted(String what, int plannedEpochs) {
        this.epochs = plannedEpochs;
        bar = new ProgressBarBuilder()
                .setTaskName("train " + what)
                .setInitialMax(SCALE)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(out, 150))
                .hideEta()
                .build();
    }

    @Override
    public void batchDone(Batch b) {
        if (bar == null) {
            return;
        }
        bar.stepTo(Math.round(b.progress() * SCALE));
        String epoch = epochs > 0 ? (b.epoch() + 1) + "/" + epochs : String.valueOf(b.epoch() + 1);
        bar.setExtraMessage(String.format(Locale.ROOT, "epoch %s  loss %.4g  %.0f %s/s", epoch, b.loss(), b.examplesPerSecond(), unit));
    }

    @Override
    public void trainingDone() {
        if (bar != null) {
            bar.stepTo(SCALE);
            bar.close();
            bar = null;
        }
    }

    /** Ends the bar early (an error); harmless after {@link #trainingDone}. */
    void close() {
        trainingDone();
    }
}
