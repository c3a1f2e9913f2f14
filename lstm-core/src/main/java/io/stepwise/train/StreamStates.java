package io.stepwise.train;

import io.stepwise.lstm.LstmConfig;
import java.util.Arrays;

/**
 * The {@code (h, c)} each of a batch's streams ended its last chunk with, laid out
 * {@code [L][B][H]} as {@code nn.LSTM}'s {@code h_n} and {@code c_n}. Training on long streams cut
 * into chunks (truncated backpropagation through time) starts each chunk from these, as the
 * streaming job continues each stream from the state its last element left.
 */
final class StreamStates {

    private final int layers;
    private final int batch;
    private final int hidden;
    private final float[] h;
    private final float[] c;
    /** True until a chunk stored its end states: the streams start from zeros, as new sequences do. */
    private boolean atStart = true;

    StreamStates(LstmConfig config, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("a batch holds at least one stream, got " + batch);
        }
        this.layers = config.numLayers();
        this.batch = batch;
        this.hidden = config.hiddenSize();
        this.h = new float[layers * batch * hidden];
        this.c = new float[layers * batch * hidden];
    }

    int batch() {
        return batch;
    }

    /** Every stream back to the zero state: new streams start. */
    void zero() {
        Arrays.fill(h, 0f);
        Arrays.fill(c, 0f);
        atStart = true;
    }

    /** Whether the streams are at their start (zero state), so a pass may skip the zero products. */
    boolean atStart() {
        return atStart;
    }

    /** {@code h} of streams {@code [from, to)}, {@code [L][to - from][H]}. */
    float[] hidden(int from, int to) {
        return slice(h, from, to);
    }

    /** {@code c} of streams {@code [from, to)}, {@code [L][to - from][H]}. */
    float[] cell(int from, int to) {
        return slice(c, from, to);
    }

    /** Stores the states streams {@code [from, to)} ended with ({@code [L][to - from][H]} each). */
    void store(int from, int to, float[] hN, float[] cN) {
        int n = (to - from) * hidden;
        if (hN.length != layers * n || cN.length != layers * n) {
            throw new IllegalArgumentException("states of " + (to - from) + " streams need " + layers * n
                    + " values per array, got " + hN.length + " and " + cN.length);
        }
        for (int l = 0; l < layers; l++) {
            System.arraycopy(hN, l * n, h, (l * batch + from) * hidden, n);
            System.arraycopy(cN, l * n, c, (l * batch + from) * hidden, n);
        }
    }

    /** Marks the streams as continued: called once every stream's end state is stored. */
    void continued() {
        atStart = false;
    }

    private float[] slice(float[] all, int from, int to) {
        if (from < 0 || to > batch || from >= to) {
            throw new IndexOutOfBoundsException("streams [" + from + ", " + to + ") of a batch of " + batch);
        }
        int n = (to - from) * hidden;
        float[] out = new float[layers * n];
        for (int l = 0; l < layers; l++) {
            System.arraycopy(all, (l * batch + from) * hidden, out, l * n, n);
        }
        return out;
    }
}
