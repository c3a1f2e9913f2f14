package io.stepwise.lstm;

import java.util.Arrays;

/**
 * The recurrent state {@code (h, c)} of every layer of one stream, as one flat float array:
 * {@code h} of layers 0..L-1, then {@code c} of layers 0..L-1, each {@code hidden_size} long.
 * One array keeps it compact in Flink keyed state (2·L·H floats plus a header).
 */
public final class LstmState {

    private final int numLayers;
    private final int hiddenSize;
    private final float[] hc;

    public LstmState(int numLayers, int hiddenSize, float[] hc) {
        if (hc.length != 2 * numLayers * hiddenSize) {
            throw new IllegalArgumentException("state for " + numLayers + " layer(s) of hidden size " + hiddenSize
                    + " needs " + 2 * numLayers * hiddenSize + " values, got " + hc.length);
        }
        this.numLayers = numLayers;
        this.hiddenSize = hiddenSize;
        this.hc = hc;
    }

    /** The zero state that {@code nn.LSTM} uses when no {@code (h0, c0)} is given. */
    public static LstmState zeros(LstmConfig config) {
        return zeros(config.numLayers(), config.hiddenSize());
    }

    public static LstmState zeros(int numLayers, int hiddenSize) {
        return new LstmState(numLayers, hiddenSize, new float[2 * numLayers * hiddenSize]);
    }

    /** Builds a state from per-layer h and c arrays ({@code [num_layers][hidden_size]}). */
    public static LstmState of(float[][] h, float[][] c) {
        int layers = h.length;
        int hidden = h[0].length;
        LstmState s = zeros(layers, hidden);
        for (int l = 0; l < layers; l++) {
            System.arraycopy(h[l], 0, s.hc, s.hOffset(l), hidden);
            System.arraycopy(c[l], 0, s.hc, s.cOffset(l), hidden);
        }
        return s;
    }

    public int numLayers() {
        return numLayers;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    /** The backing array; kernels update it in place. */
    public float[] values() {
        return hc;
    }

    public int hOffset(int layer) {
        return layer * hiddenSize;
    }

    public int cOffset(int layer) {
        return (numLayers + layer) * hiddenSize;
    }

    public float[] h(int layer) {
        return Arrays.copyOfRange(hc, hOffset(layer), hOffset(layer) + hiddenSize);
    }

    public float[] c(int layer) {
        return Arrays.copyOfRange(hc, cOffset(layer), cOffset(layer) + hiddenSize);
    }

    /** The output of the top layer for the last step: {@code h} of the last layer. */
    public float[] output() {
        return h(numLayers - 1);
    }

    public boolean fits(LstmConfig config) {
        return numLayers == config.numLayers() && hiddenSize == config.hiddenSize();
    }

    public LstmState copy() {
        return new LstmState(numLayers, hiddenSize, hc.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LstmState s && s.numLayers == numLayers && s.hiddenSize == hiddenSize
                && Arrays.equals(s.hc, hc);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hc) * 31 + numLayers;
    }

    @Override
    public String toString() {
        return "LstmState{layers=" + numLayers + ", hidden=" + hiddenSize + "}";
    }
}
