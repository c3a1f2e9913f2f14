package io.stepwise.train;

import io.stepwise.lstm.LstmConfig;
import io.stepwise.model.SumModel;
import io.stepwise.tensor.ParameterSet;
import java.util.Arrays;

/**
 * Starts the first LSTM layer as exact integrators of the input at several scales, so that a
 * linear read-out of {@code h} gives the running sum at any length and, within the scales' range,
 * any total.
 *
 * <p>Every gate but the cell candidate is a constant: the input, forget and output gates get no
 * input and no recurrent weights, biases 0, {@code forgetBias} and 0 (i = o = 1/2, f = sigmoid of
 * the forget bias). The cell candidate has no bias and no recurrent input either, only a gain
 * {@code a_j} on the scaled input x. Then cell j holds {@code c_j = (1/2) sum tanh(a_j x)}, which,
 * for the small scaled inputs, is {@code a_j S / 2} (S the scaled total) up to a per-element
 * relative error of {@code (a_j x)^2 / 3}, whatever the order of the numbers: the state depends on
 * the total alone. The bend of {@code h = tanh(c) / 2} at large totals is what several scales are
 * for: gains spread log-uniformly over [{@link #MIN_GAIN}, {@link #MAX_GAIN}], alternately
 * positive and negative, give the least-squares read-out cells whose bends cancel (as
 * {@code 8 tanh(x) - tanh(2x) = 6x + O(x^5)} does), and cells that stay linear at the largest totals.
 *
 * <p>With PyTorch's random gate weights instead, the gates depend on {@code h}, that is on the
 * total, so the cells integrate with a gain that changes with the total: fine within the totals
 * training saw, wrong beyond them. Only one layer is built this way (the trainer refuses more).
 */
final class MultiScaleIntegrators {

    /** Smallest cell-candidate gain: such a cell stays within 1% of linear up to a scaled total of 11 (33,000 at scale 3,000). */
    static final double MIN_GAIN = 1.0 / 32;
    /** Largest cell-candidate gain: a scaled input of 1/30 stays within 0.15% of tanh's linear part. */
    static final double MAX_GAIN = 2;
    /**
     * Ridge of the read-out fit, relative to the mean square of the states: only enough to keep the
     * nearly collinear cells' normal equations solvable. A larger ridge (the usual 1e-3) shrinks
     * the small-gain cells' weights, which must be large, and costs 0.4% to 1.2% of the sum's spread.
     */
    static final double READOUT_RIDGE = 1e-9;

    private MultiScaleIntegrators() {
    }

    /** Overwrites layer 0's weights and biases as the class comment describes. */
    static void initialise(ParameterSet params, LstmConfig cfg, float forgetBias) {
        int h = cfg.hiddenSize();
        float[] wih = params.get(SumModel.LSTM + LstmConfig.weightIh(0)).data();
        float[] whh = params.get(SumModel.LSTM + LstmConfig.weightHh(0)).data();
        float[] bih = params.get(SumModel.LSTM + LstmConfig.biasIh(0)).data();
        float[] bhh = params.get(SumModel.LSTM + LstmConfig.biasHh(0)).data();
        Arrays.fill(wih, 0f);
        Arrays.fill(whh, 0f);
        Arrays.fill(bih, 0f);
        Arrays.fill(bhh, 0f);
        for (int j = 0; j < h; j++) {
            // split as the usual initialisation splits it, so both see the same f
            bih[h + j] = forgetBias / 2;
            bhh[h + j] = forgetBias / 2;
            wih[2 * h + j] = (float) gain(j, h);
        }
    }

    /**
     * Whether {@code model}'s LSTM is such cells: one layer, no recurrent weights, the input, forget
     * and output gates without input weights, and the cell candidate without bias, so that every
     * cell's state is a function of the stream's total alone. Only the weights are read, so a model
     * keeps the property through a model file and a PyTorch round trip.
     */
    static boolean holds(SumModel model) {
        LstmConfig cfg = model.lstmConfig();
        if (cfg.numLayers() != 1) {
            return false;
        }
        ParameterSet params = model.parameters();
        int h = cfg.hiddenSize();
        float[] wih = params.get(SumModel.LSTM + LstmConfig.weightIh(0)).data();
        float[] whh = params.get(SumModel.LSTM + LstmConfig.weightHh(0)).data();
        float[] bih = params.get(SumModel.LSTM + LstmConfig.biasIh(0)).data();
        float[] bhh = params.get(SumModel.LSTM + LstmConfig.biasHh(0)).data();
        for (float w : whh) {
            if (w != 0) {
                return false;
            }
        }
        // the input size is 1: row j of weight_ih is element j; gates in PyTorch's order i, f, g, o
        for (int j = 0; j < 4 * h; j++) {
            boolean candidate = j >= 2 * h && j < 3 * h;
            if (candidate ? bih[j] != 0 || bhh[j] != 0 : wih[j] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Cell j's gain: log-spaced from MIN_GAIN to MAX_GAIN over the cells, sign alternating. */
    static double gain(int j, int cells) {
        double f = cells == 1 ? 0 : (double) j / (cells - 1);
        double a = MIN_GAIN * Math.pow(MAX_GAIN / MIN_GAIN, f);
        return j % 2 == 0 ? a : -a;
    }
}
