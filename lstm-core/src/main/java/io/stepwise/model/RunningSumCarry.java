package io.stepwise.model;

import io.stepwise.lstm.LstmState;
import java.util.Locale;

/**
 * A sum model's {@link StateCarry}: a stream moves to this version by its running sum S. S is the
 * old version's own reading of the stream ({@link SumModel#sumOf}, the sum its last result
 * showed), so that the results go on from the last one without a jump; when the old version is no
 * longer held, or its reading is not a finite number, S is the stream's exact running sum. The new
 * state is then {@link CalibratedSumCarry#stateFor(double) stateFor(S)} of a map calibrated once,
 * on first use or {@link #prepare()}, over the totals {@link CalibratedSumCarry.Calibration#forModel}
 * chooses for this version.
 *
 * <p>Why the old reading and not the exact sum: the carry's job is continuity (after the swap the
 * results continue from the last one, within the new version's own error), and a consumer sees the
 * exact sum and the difference beside every result anyway. Carrying the exact sum would make every
 * swap jump by the old version's error at that moment.
 */
final class RunningSumCarry implements StateCarry {

    private final SumModel model;
    private CalibratedSumCarry map;
    private String prepared;

    RunningSumCarry(SumModel model) {
        this.model = model;
    }

    @Override
    public SumModel model() {
        return model;
    }

    @Override
    public String prepare() {
        if (map == null) {
            CalibratedSumCarry.Calibration cal = CalibratedSumCarry.Calibration.forModel(model);
            long t0 = System.nanoTime();
            map = CalibratedSumCarry.calibrate(model, cal);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            prepared = String.format(Locale.ROOT,
                    "calibrated the running-sum carry into %s v%d in %d ms: totals to ±%.0f, %d streams of %d numbers; "
                            + "the version reads the mapped states to within %.3g of their totals",
                    model.name(), model.version(), millis, cal.maxTotal(), cal.streams(), cal.length(), map.readoutError());
        }
        return prepared;
    }

    /** The calibrated map, calibrating it first if need be. */
    CalibratedSumCarry map() {
        prepare();
        return map;
    }

    @Override
    public Carried carry(Model older, LstmState olderState, double exactSum) {
        double s = Double.NaN;
        if (older instanceof SumModel old && olderState != null && olderState.numLayers() == old.lstmConfig().numLayers()
                && olderState.hiddenSize() == old.lstmConfig().hiddenSize()) {
            s = old.sumOf(olderState);
        }
        boolean fromExact = !Double.isFinite(s);
        if (fromExact) {
            s = exactSum;
        }
        if (!Double.isFinite(s)) {
            // nothing to go on (cannot happen with the job's checks on values): start from zero
            return new Carried(LstmState.zeros(model.lstmConfig()), 0, true);
        }
        return new Carried(map().stateFor(s), s, fromExact);
    }
}
