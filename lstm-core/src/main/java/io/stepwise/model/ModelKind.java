package io.stepwise.model;

import java.util.Locale;

/** The two models of the tutorial. */
public enum ModelKind {
    /** Embedding, LSTM, Linear, log-softmax: a part-of-speech tag per word. */
    TAGGER,
    /** LSTM(1, H), Linear on the hidden state: a running sum per number. */
    SUM;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ModelKind parse(String s) {
        for (ModelKind k : values()) {
            if (k.id().equalsIgnoreCase(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown model kind '" + s + "'; expected tagger or sum");
    }
}
