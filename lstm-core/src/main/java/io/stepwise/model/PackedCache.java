package io.stepwise.model;

import io.stepwise.lstm.Lstm;
import io.stepwise.lstm.PackedLstm;

/**
 * A model's LSTM packed for stepping ({@link Lstm#pack}), built on first use and dropped when the
 * weights change. Shared by a model and its {@code withMeta} copies, which share the weights too,
 * so that a change announced through any of them reaches all.
 */
final class PackedCache {

    private final Lstm lstm;
    private volatile PackedLstm packed;

    PackedCache(Lstm lstm) {
        this.lstm = lstm;
    }

    PackedLstm get() {
        PackedLstm p = packed;
        if (p == null) {
            p = lstm.pack();
            packed = p;
        }
        return p;
    }

    void invalidate() {
        packed = null;
    }
}
