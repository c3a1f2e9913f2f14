package io.stepwise.train;

import static io.stepwise.testing.TestArrays.toDouble;
import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.tensor.ParameterSet;
import io.stepwise.testing.TestArrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The optimizer runs ND4J's updater ops on a kept context; its updates must be those of ND4J's
 * own {@link GradientUpdater#applyUpdater} (bit for bit: the same kernel) and those of the
 * textbook formulas computed here in float64, over several steps with a changing learning rate.
 */
class OptimizerTest {

    private static final int STEPS = 6;

    @Test
    void adamMatchesNd4jsUpdaterAndTheFormula() {
        Adam ours = new Adam(0.01);
        Adam theirs = new Adam(0.01);
        float[][] weights = run(ours, theirs);
        // textbook Adam as ND4J writes it: lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
        float[] w0 = initialWeights();
        double[] m = new double[w0.length];
        double[] v = new double[w0.length];
        double[] w = toDouble(w0);
        for (int t = 0; t < STEPS; t++) {
            double lr = learningRate(t);
            double[] g = gradient(t, w0.length);
            double b1 = Adam.DEFAULT_ADAM_BETA1_MEAN_DECAY;
            double b2 = Adam.DEFAULT_ADAM_BETA2_VAR_DECAY;
            double alpha = lr * Math.sqrt(1 - Math.pow(b2, t + 1)) / (1 - Math.pow(b1, t + 1));
            for (int i = 0; i < w.length; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                w[i] -= alpha * m[i] / (Math.sqrt(v[i]) + Adam.DEFAULT_ADAM_EPSILON);
            }
        }
        assertThat(weights[0]).containsExactly(weights[1]);
        assertClose(weights[0], w, 1e-5);
    }

    @Test
    void sgdMatchesNd4jsUpdaterAndTheFormula() {
        float[][] weights = run(new Sgd(0.1), new Sgd(0.1));
        double[] w = toDouble(initialWeights());
        for (int t = 0; t < STEPS; t++) {
            double[] g = gradient(t, w.length);
            for (int i = 0; i < w.length; i++) {
                w[i] -= learningRate(t) * g[i];
            }
        }
        assertThat(weights[0]).containsExactly(weights[1]);
        assertClose(weights[0], w, 1e-5);
    }

    /** Steps {@link Optimizer} with {@code ours} and ND4J's updater with {@code theirs}; returns both weights. */
    private static float[][] run(IUpdater ours, IUpdater theirs) {
        ParameterSet params = new ParameterSet();
        params.add("a", 3, 5);
        params.add("b", 7);
        float[] w0 = initialWeights();
        System.arraycopy(w0, 0, params.get("a").data(), 0, 15);
        System.arraycopy(w0, 15, params.get("b").data(), 0, 7);
        float[] reference = w0.clone();
        INDArray state = theirs.stateSize(w0.length) == 0 ? null : Nd4j.zeros(DataType.FLOAT, 1, theirs.stateSize(w0.length));
        GradientUpdater<?> nd4j = theirs.instantiate(state, true);
        try (Optimizer opt = new Optimizer(params, ours)) {
            for (int t = 0; t < STEPS; t++) {
                ours.setLrAndSchedule(learningRate(t), null);
                theirs.setLrAndSchedule(learningRate(t), null);
                double[] g = gradient(t, w0.length);
                float[] gf = new float[g.length];
                for (int i = 0; i < g.length; i++) {
                    gf[i] = (float) g[i];
                }
                System.arraycopy(gf, 0, params.get("a").gradData(), 0, 15);
                System.arraycopy(gf, 15, params.get("b").gradData(), 0, 7);
                opt.step(0);
                INDArray update = Nd4j.createFromArray(gf).reshape(1, gf.length);
                nd4j.applyUpdater(update, t, 0);
                float[] u = update.toFloatVector();
                for (int i = 0; i < reference.length; i++) {
                    reference[i] -= u[i];
                }
            }
        }
        float[] ourWeights = new float[w0.length];
        System.arraycopy(params.get("a").data(), 0, ourWeights, 0, 15);
        System.arraycopy(params.get("b").data(), 0, ourWeights, 15, 7);
        return new float[][]{ourWeights, reference};
    }

    private static double learningRate(int t) {
        return 0.01 * Math.pow(0.7, t);
    }

    private static float[] initialWeights() {
        return TestArrays.uniform(new SplittableRandom(3), 22, 1);
    }

    /** Gradients of mixed scale, so that Adam's per-element normalisation matters. */
    private static double[] gradient(int t, int n) {
        SplittableRandom rng = new SplittableRandom(100 + t);
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = (float) (rng.nextDouble(-1, 1) * Math.pow(10, i % 4 - 2));
        }
        return g;
    }

    private static void assertClose(float[] actual, double[] expected, double tol) {
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("weight %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(tol));
        }
    }
}
