package io.stepwise.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Collects the loss of every step and the mean loss of every epoch, for a plot or a report. */
public final class LossCurve implements TrainingListener {

    /** One point of the curve. */
    public record Point(long step, double loss) {
    }

    private final List<Point> steps = new ArrayList<>();
    private final List<Point> epochs = new ArrayList<>();
    private long lastStep;

    @Override
    public void batchDone(Batch batch) {
        lastStep = batch.step();
        steps.add(new Point(batch.step(), batch.loss()));
    }

    @Override
    public void epochDone(Epoch epoch) {
        epochs.add(new Point(lastStep, epoch.meanLoss()));
    }

    /** The loss of every optimizer step. */
    public List<Point> steps() {
        return Collections.unmodifiableList(steps);
    }

    /** The mean loss of every epoch, placed at the epoch's last step. */
    public List<Point> epochs() {
        return Collections.unmodifiableList(epochs);
    }
}
