package io.stepwise.bench;

import io.stepwise.lstm.LstmConfig;
import io.stepwise.tensor.Tensor;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The straightforward way to write one LSTM step with ND4J: a product and an add per weight
 * matrix, then a native call per gate. It is the baseline {@code PackedLstm.step} is measured
 * against, and shows why the step kernel stays in Java: at these sizes every call costs more
 * than its arithmetic.
 */
final class Nd4jStep {

    private final int hidden;
    private final INDArray weightIhT; // [in, 4H]
    private final INDArray weightHhT; // [H, 4H]
    private final INDArray biasIh;    // [1, 4H]
    private final INDArray biasHh;
    private INDArray h;               // [1, H]
    private INDArray c;

    Nd4jStep(LstmConfig config, Map<String, Tensor> weights) {
        hidden = config.hiddenSize();
        int g = 4 * hidden;
        weightIhT = matrix(weights.get(LstmConfig.weightIh(0)), g, config.inputSize()).transpose().dup();
        weightHhT = matrix(weights.get(LstmConfig.weightHh(0)), g, hidden).transpose().dup();
        biasIh = matrix(weights.get(LstmConfig.biasIh(0)), 1, g);
        biasHh = matrix(weights.get(LstmConfig.biasHh(0)), 1, g);
        h = Nd4j.zeros(1, hidden);
        c = Nd4j.zeros(1, hidden);
    }

    private static INDArray matrix(Tensor t, int rows, int cols) {
        return Nd4j.create(t.data(), new long[]{rows, cols}, 'c');
    }

    /** Advances the state by {@code x} ({@code [1, input_size]}) and returns the new h. */
    INDArray step(INDArray x) {
        INDArray z = x.mmul(weightIhT).addi(biasIh).addi(h.mmul(weightHhT)).addi(biasHh);
        INDArray i = Transforms.sigmoid(gate(z, 0), true);
        INDArray f = Transforms.sigmoid(gate(z, 1), true);
        INDArray g = Transforms.tanh(gate(z, 2), true);
        INDArray o = Transforms.sigmoid(gate(z, 3), true);
        c = f.mul(c).addi(i.mul(g));
        h = o.mul(Transforms.tanh(c, true));
        return h;
    }

    private INDArray gate(INDArray z, int k) {
        return z.get(NDArrayIndex.all(), NDArrayIndex.interval(k * hidden, (k + 1) * hidden));
    }

    INDArray h() {
        return h;
    }

    INDArray c() {
        return c;
    }
}
