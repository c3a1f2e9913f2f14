package io.stepwise.train;

/**
 * One sequence of sum-regressor training data: the values and, position by position, the sum the
 * model should read out after each of them (the running sum, unless the data says otherwise).
 * Raw units; the model's scales apply inside the trainer.
 */
public record SumSequence(double[] values, double[] targets) {

    public SumSequence {
        if (values.length == 0) {
            throw new IllegalArgumentException("a sequence needs at least one value");
        }
        if (values.length != targets.length) {
            throw new IllegalArgumentException("a sequence of " + values.length + " values has " + targets.length + " targets");
        }
        values = values.clone();
        targets = targets.clone();
    }

    /** The values with their running sums as targets. */
    public static SumSequence runningSums(double[] values) {
        double[] sums = new double[values.length];
        double s = 0;
        for (int i = 0; i < values.length; i++) {
            s += values[i];
            sums[i] = s;
        }
        return new SumSequence(values, sums);
    }

    public int length() {
        return values.length;
    }
}
