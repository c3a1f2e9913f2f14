package io.stepwise.lstm;

/**
 * The shape of an {@code nn.LSTM}: {@code input_size}, {@code hidden_size}, {@code num_layers}.
 * Biases are always present (PyTorch's default {@code bias=True}); layout is seq-first.
 */
public record LstmConfig(int inputSize, int hiddenSize, int numLayers) {

    public LstmConfig {
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0) {
            throw new IllegalArgumentException("LSTM sizes must be positive: input_size=" + inputSize
                    + ", hidden_size=" + hiddenSize + ", num_layers=" + numLayers);
        }
    }

    /** Width of the input that layer {@code k} sees: {@code input_size} for layer 0, else {@code hidden_size}. */
    public int layerInputSize(int layer) {
        return layer == 0 ? inputSize : hiddenSize;
    }

    /** Rows of the stacked gate matrices: 4 * hidden_size (gates i, f, g, o). */
    public int gateRows() {
        return 4 * hiddenSize;
    }

    public static String weightIh(int layer) {
        return "weight_ih_l" + layer;
    }

    public static String weightHh(int layer) {
        return "weight_hh_l" + layer;
    }

    public static String biasIh(int layer) {
        return "bias_ih_l" + layer;
    }

    public static String biasHh(int layer) {
        return "bias_hh_l" + layer;
    }
}
