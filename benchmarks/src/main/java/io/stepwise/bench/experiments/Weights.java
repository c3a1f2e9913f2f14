package io.stepwise.bench.experiments;

import io.stepwise.lstm.LstmConfig;
import io.stepwise.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns input-major packed weights back into PyTorch's tensors, so PackedLstm packs the same numbers. */
final class Weights {

    private Weights() {
    }

    static Map<String, Tensor> fromPacked(LstmConfig config, float[] packed, float[] bias) {
        int in = config.inputSize();
        int h = config.hiddenSize();
        int g = 4 * h;
        float[] wih = new float[g * in];
        float[] whh = new float[g * h];
        for (int r = 0; r < g; r++) {
            for (int c = 0; c < in; c++) {
                wih[r * in + c] = packed[c * g + r];
            }
            for (int c = 0; c < h; c++) {
                whh[r * h + c] = packed[(in + c) * g + r];
            }
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put(LstmConfig.weightIh(0), new Tensor(new int[]{g, in}, wih));
        m.put(LstmConfig.weightHh(0), new Tensor(new int[]{g, h}, whh));
        m.put(LstmConfig.biasIh(0), new Tensor(new int[]{g}, bias.clone()));
        m.put(LstmConfig.biasHh(0), new Tensor(new int[]{g}, new float[g]));
        return m;
    }
}
