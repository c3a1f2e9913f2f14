package io.stepwise.cli;

import io.stepwise.model.Model;
import io.stepwise.model.SumModel;
import io.stepwise.model.TaggerModel;

/** What a model version is, in one line: kind, identity and sizes. */
final class ModelSummary {

    private ModelSummary() {
    }

    static String of(Model m) {
        StringBuilder s = new StringBuilder();
        s.append(m.kind().id()).append(" '").append(m.name()).append("' v").append(m.version()).append(": ");
        if (m instanceof TaggerModel t) {
            s.append(t.words().size()).append(" words (")
                    .append(t.words().unknown() == null ? "no unknown-word entry" : "unknown '" + t.words().unknown() + "'")
                    .append("), ").append(t.tags().size()).append(" tags, embedding_dim ").append(t.embeddingDim()).append(", ");
        }
        s.append("hidden_size ").append(m.lstmConfig().hiddenSize()).append(", num_layers ").append(m.lstmConfig().numLayers());
        if (m instanceof SumModel sm) {
            s.append(", input_scale ").append(sm.inputScale()).append(", target_scale ").append(sm.targetScale());
        }
        return s.toString();
    }
}
