package io.stepwise.train;

import io.stepwise.tensor.Nd4jRuntime;
import io.stepwise.tensor.ParameterSet;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.SgdUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Applies an ND4J updater ({@code org.nd4j.linalg.learning.config.Sgd}, {@code Adam}, ...) to a
 * {@link ParameterSet}: the gradients of all parameters go into one flat native array, the
 * updater turns it into the update in one call, and the update is subtracted from the weights.
 * The updater's own state (Adam's moments) lives in one flat native array alongside, laid out by
 * ND4J's {@link GradientUpdater}.
 *
 * <p>For Sgd and Adam the update runs ND4J's own updater op ({@code sgd_updater},
 * {@code adam_updater}, the ops {@link GradientUpdater#applyUpdater} runs) on an op context this
 * optimizer keeps for its lifetime, changing only the learning rate and iteration per step.
 * {@code applyUpdater} builds a new op and context on every call, whose native bookkeeping ND4J
 * frees only through JavaCPP's pointer GC, which the launcher turns off
 * ({@code org.bytedeco.javacpp.nopointergc}): measured, about 8 KB and 40 us per call, so a
 * long-running training job grew without bound. The kept context costs 7 us per call and nothing
 * per call in memory. Other updaters take the plain {@code applyUpdater} path.
 */
public final class Optimizer implements AutoCloseable {

    static {
        Nd4jRuntime.start();
    }

    private final ParameterSet params;
    private final IUpdater config;
    private final GradientUpdater<?> updater;
    private final INDArray flatGrad;
    private final INDArray state;
    private final float[] flat;
    private final KeptOp kept; // null: applyUpdater
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
        this.kept = KeptOp.of(config, updater, flatGrad);
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
        if (kept != null) {
            kept.run(iteration, epoch);
        } else {
            updater.applyUpdater(flatGrad, iteration, epoch);
        }
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
        if (kept != null) {
            kept.close();
        }
        flatGrad.close();
        if (state != null) {
            state.close();
        }
    }

    /** An updater op with its context, built once; each run sets the step's scalar arguments. */
    private static final class KeptOp implements AutoCloseable {
        private final CustomOp op;
        private final OpContext context;
        private final IUpdater config;

        private KeptOp(CustomOp op, OpContext context, IUpdater config) {
            this.op = op;
            this.context = context;
            this.config = config;
        }

        /** The kept op for {@code config}, or null where there is none and applyUpdater serves. */
        static KeptOp of(IUpdater config, GradientUpdater<?> updater, INDArray grad) {
            INDArray[] arrays;
            CustomOp op;
            if (config instanceof Adam a) {
                // the state arrays ND4J's AdamUpdater laid out in the state view, shaped as it shapes them
                Map<String, INDArray> s = updater.getState();
                INDArray v = s.get(org.nd4j.linalg.learning.AdamUpdater.V_STATE);
                INDArray m = s.get(org.nd4j.linalg.learning.AdamUpdater.M_STATE);
                INDArray g = grad.reshape(v.shape());
                arrays = new INDArray[]{g, v, m};
                op = new AdamUpdater(g, v, m, a.getLearningRate(0, 0), a.getBeta1(), a.getBeta2(), a.getEpsilon(), 0);
            } else if (config instanceof Sgd s) {
                arrays = new INDArray[]{grad};
                op = new SgdUpdater(grad, s.getLearningRate(0, 0));
            } else {
                return null;
            }
            OpContext context = Nd4j.getExecutioner().buildContext();
            context.setInputArrays(arrays);
            context.setOutputArrays(arrays);
            return new KeptOp(op, context, config);
        }

        void run(int iteration, int epoch) {
            if (config instanceof Adam a) {
                context.setTArguments(a.getLearningRate(iteration, epoch), a.getBeta1(), a.getBeta2(), a.getEpsilon());
                context.setIArguments(iteration);
            } else {
                context.setTArguments(config.getLearningRate(iteration, epoch));
            }
            Nd4j.getExecutioner().exec(op, context);
        }

        @Override
        public void close() {
            try {
                context.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not free the updater's op context", e);
            }
        }
    }
}
