package io.stepwise.bench;

import io.stepwise.lstm.LstmConfig;
import io.stepwise.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An LSTM size to benchmark, written {@code <input>x<hidden>} as in JMH's {@code @Param} values
 * ("1x64", "64x128"), with one layer and random weights drawn like PyTorch's default init.
 */
record Shape(int inputSize, int hiddenSize) {

    static Shape parse(String text) {
        String[] parts = text.split("x");
        if (parts.length != 2) {
            throw new IllegalArgumentException("shape must be <input>x<hidden>, got " + text);
        }
        return new Shape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    LstmConfig config() {
        return new LstmConfig(inputSize, hiddenSize, 1);
    }

    /** Weights under PyTorch's unprefixed names, U(-1/sqrt(H), 1/sqrt(H)). */
    Map<String, Tensor> randomWeights(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int g = 4 * hiddenSize;
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put(LstmConfig.weightIh(0), uniform(rng, g, inputSize));
        m.put(LstmConfig.weightHh(0), uniform(rng, g, hiddenSize));
        m.put(LstmConfig.biasIh(0), uniform(rng, g));
        m.put(LstmConfig.biasHh(0), uniform(rng, g));
        return m;
    }

    private Tensor uniform(SplittableRandom rng, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float bound = (float) (1.0 / Math.sqrt(hiddenSize));
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) rng.nextDouble(-bound, bound);
        }
        return new Tensor(shape, data);
    }

    static float[] randomInputs(long seed, int n) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        return x;
    }
}
