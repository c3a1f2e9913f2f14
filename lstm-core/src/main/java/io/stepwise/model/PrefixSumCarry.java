package io.stepwise.model;

import io.stepwise.lstm.LstmState;

/**
 * A {@link SumCarry} that runs the new version over a short synthetic stream whose total is S:
 * {@code n = ceil(|S| / maxValue)} equal values {@code S / n}, from the zero state. Needs nothing
 * at load time; costs n LSTM steps per carried stream, and is as accurate as the model is on a
 * stream of n equal values.
 *
 * <p>Measured against {@link CalibratedSumCarry} (docs/research/sum.md): as accurate on the fitted
 * recipe's models; on a gradient-trained model, whose state depends on the order of the numbers,
 * less accurate at small totals and more at the edge of its range. But it is 100 to 10,000 times
 * dearer per swap, growing with |S| (400 steps at S = 20,000 and maxValue 50), which a version
 * swap pays once per live stream. The calibrated map is the one to use; this one stays for models
 * that cannot be calibrated.
 */
public final class PrefixSumCarry implements SumCarry {

    private final SumModel model;
    private final double maxValue;

    /**
     * @param maxValue the largest value, in raw units, the prefix may use: within the range the
     *                 model was trained on, and small enough that it saw streams drifting at that rate
     */
    public PrefixSumCarry(SumModel model, double maxValue) {
        if (!(maxValue > 0) || Double.isInfinite(maxValue)) {
            throw new IllegalArgumentException("the prefix's largest value must be positive and finite, got " + maxValue);
        }
        this.model = model;
        this.maxValue = maxValue;
    }

    @Override
    public SumModel model() {
        return model;
    }

    /** Steps the prefix for {@code total} takes. */
    public int prefixLength(double total) {
        return (int) Math.ceil(Math.abs(total) / maxValue);
    }

    @Override
    public LstmState stateFor(double total) {
        if (!Double.isFinite(total)) {
            throw new IllegalArgumentException("total must be finite, got " + total);
        }
        LstmState state = LstmState.zeros(model.lstmConfig());
        int n = prefixLength(total);
        SumModel.Stepper stepper = model.newStepper();
        for (int i = 0; i < n; i++) {
            stepper.step(total / n, state);
        }
        return state;
    }
}
