package io.stepwise.pipeline;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress line on stderr for one phase of one row, like the rest of the command line's. */
final class PhaseProgress implements AutoCloseable {

    private final ProgressBar bar;

    PhaseProgress(PrintStream err, String task, long max, String unit) {
        bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .setUnit(" " + unit, 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(err, 150))
                .showSpeed()
                .build();
    }

    void stepTo(long n) {
        bar.stepTo(n);
    }

    void message(String m) {
        bar.setExtraMessage(m);
    }

    @Override
    public void close() {
        bar.close();
    }
}
