package io.stepwise.model;

import io.stepwise.lstm.LstmConfig;
import io.stepwise.lstm.PackedLstm;
import io.stepwise.tensor.ParameterSet;

/** A model version: one of the tutorial's two models, its weights and who it is. */
public sealed interface Model permits TaggerModel, SumModel {

    ModelKind kind();

    ModelMeta meta();

    /** The LSTM inside; its hidden size and layer count shape every stream's state. */
    LstmConfig lstmConfig();

    /** The weights under their PyTorch {@code state_dict} names. */
    ParameterSet parameters();

    /** The LSTM weights packed for stepwise inference (built once, after training). */
    PackedLstm packed();

    /** This model under another name or version, sharing the weights. */
    Model withMeta(ModelMeta meta);

    default String name() {
        return meta().name();
    }

    default int version() {
        return meta().version();
    }
}
