package io.stepwise.model;

import java.util.Locale;

/** The kinds of model: each knows how to rebuild a model of its kind from a model file's header. */
public enum ModelKind {
    /** Embedding, LSTM, Linear, log-softmax: a part-of-speech tag per word. */
    TAGGER {
        @Override
        Model read(ModelMeta meta, ModelHeader header) {
            return TaggerModel.fromHeader(meta, header);
        }
    },
    /** LSTM(1, H), Linear on the hidden state: a running sum per number. */
    SUM {
        @Override
        Model read(ModelMeta meta, ModelHeader header) {
            return SumModel.fromHeader(meta, header);
        }
    };

    /**
     * A model of this kind with the architecture, vocabularies or scaling the header gives and
     * zero weights; the model file loads the weights next.
     */
    abstract Model read(ModelMeta meta, ModelHeader header);

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
