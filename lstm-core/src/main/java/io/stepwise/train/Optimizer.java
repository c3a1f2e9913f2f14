package io.stepwise.train;

import io.stepwise.tensor.ParameterSet;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Applies an ND4J updater ({@code org.nd4j.linalg.learning.config.Sgd}, {@code Adam}, ...) to a
 * {@link ParameterSet}: the gradients of all parameters go into one flat native array, the
 * updater turns it into the update in one call, and the update is subtracted from the weights.
 * The updater's own state (Adam's moments) lives in one flat native array alongside.
 */
public final class Optimizer implements AutoCloseable {

    private final ParameterSet params;
    private final IUpdater config;
    private final GradientUpdater<?> updater;
    private final INDArray flatGrad;
    private final INDArray state;
    private final float[] flat;
    private int iteration;

    public Optimizer(ParameterSet params, IUpdater config) {
        this.params = params;
        this.config = config;
        int n = params.totalSize();
        this.flat = new float[n];
        this.flatGrad = Nd4j.createUninitialized(DataType.FLOAT, 1, n);
        long stateSize = config.stateSize(n);
        this.state = stateSize == 0 ? null : Nd4j.zeros(DataType.FLOAT, 1, stateSize);
        this.updater = config.instantiate(state, true);
    }

    public IUpdater config() {
        return config;
    }

    public int iteration() {
        return iteration;
    }

    /** One update from the gradients now held by the parameters; {@code epoch} feeds LR schedules. */
    public void step(int epoch) {
        int off = 0;
        for (ParameterSet.Parameter p : params.asMap().values()) {
            float[] g = p.gradData();
            System.arraycopy(g, 0, flat, off, g.length);
            off += g.length;
        }
        FloatPointer ptr = (FloatPointer) flatGrad.data().pointer();
        ptr.put(flat, 0, flat.length);
        updater.applyUpdater(flatGrad, iteration, epoch);
        ptr.get(flat, 0, flat.length);
        off = 0;
        for (ParameterSet.Parameter p : params.asMap().values()) {
            float[] w = p.data();
            for (int i = 0; i < w.length; i++) {
                w[i] -= flat[off + i];
            }
            off += w.length;
        }
        iteration++;
    }

    @Override
    public void close() {
        flatGrad.close();
        if (state != null) {
            state.close();
        }
    }
}
