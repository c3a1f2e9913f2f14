package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stepwise.lstm.LstmState;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.Nd4jRuntime;
import io.stepwise.tensor.ParameterSet;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class SumGradientsTest {

    private static SumModel model() {
        return new SumModel(new ModelMeta("sum", 1, Map.of()), 8, 1, 100f, 100f).initRandom(11);
    }

    private static Map<String, float[]> grads(SumModel m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (ParameterSet.Parameter p : m.parameters().asMap().values()) {
            out.put(p.name(), p.gradData().clone());
        }
        return out;
    }

    @Test
    void sharingABatchAmongThreadsGivesTheWholeBatchsGradient() {
        int steps = 6;
        int batch = 7;
        float[] x = new float[steps * batch];
        float[] y = new float[steps * batch];
        float[] w = new float[steps * batch];
        new SumData(3).batch(steps, batch, 1.0, x, y);
        for (int i = 0; i < x.length; i++) {
            x[i] /= 100;
            y[i] /= 100;
            // uneven weights, zero on some positions, so that the shares' weight sums differ
            w[i] = (i % 5 == 0) ? 0f : 1f / (1 + i / batch);
        }
        SumModel whole = model();
        whole.parameters().zeroGrad();
        double wholeLoss = whole.backward(whole.forward(x, steps, batch, new Gemm()), y, w, new Gemm());
        Map<String, float[]> expected = grads(whole);

        SumModel shared = model();
        double sharedLoss;
        try (SumGradients g = new SumGradients(shared, 3)) {
            sharedLoss = g.compute(x, y, w, steps, batch);
        }

        assertThat(sharedLoss).isCloseTo(wholeLoss, within(1e-6 * wholeLoss));
        Map<String, float[]> actual = grads(shared);
        for (String name : expected.keySet()) {
            float[] e = expected.get(name);
            float[] a = actual.get(name);
            float scale = 0;
            for (float v : e) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertThat(scale).as("%s is exercised", name).isGreaterThan(0);
            for (int i = 0; i < e.length; i++) {
                assertThat(a[i]).as("%s[%d]", name, i).isCloseTo(e[i], within(1e-5f * scale));
            }
        }
    }

    @Test
    void theSameBatchGivesTheSameBitsEveryTime() {
        int steps = 4;
        int batch = 9;
        float[] x = new float[steps * batch];
        float[] y = new float[steps * batch];
        float[] w = new float[steps * batch];
        new SumData(8).batch(steps, batch, 1.0, x, y);
        Arrays.fill(w, 1f);
        SumModel a = model();
        SumModel b = model();
        try (SumGradients ga = new SumGradients(a, 2); SumGradients gb = new SumGradients(b, 2)) {
            ga.compute(x, y, w, steps, batch);
            gb.compute(x, y, w, steps, batch);
        }
        Map<String, float[]> ea = grads(a);
        Map<String, float[]> eb = grads(b);
        for (String name : ea.keySet()) {
            assertThat(ea.get(name)).as(name).containsExactly(eb.get(name));
        }
    }

    @Test
    void aChunkContinuesFromTheStateTheLastOneEndedWith() {
        int first = 5;
        int second = 4;
        int batch = 5;
        int steps = first + second;
        float[] x = new float[steps * batch];
        float[] y = new float[steps * batch];
        new SumData(12).batch(steps, batch, 1.0, x, y);
        for (int i = 0; i < x.length; i++) {
            x[i] /= 100;
            y[i] /= 100;
        }
        float[] w = new float[second * batch];
        Arrays.fill(w, 1f);
        SumModel m = model();
        // the inference path, whole streams from zero: its predictions over the second chunk
        float[] whole = m.predict(x, steps, batch);
        double expected = 0;
        for (int i = first * batch; i < steps * batch; i++) {
            double d = whole[i] - y[i];
            expected += d * d;
        }
        expected /= second * batch;

        StreamStates carried = new StreamStates(m.lstmConfig(), batch);
        double loss;
        try (SumGradients g = new SumGradients(m, 2)) {
            g.compute(Arrays.copyOfRange(x, 0, first * batch), Arrays.copyOfRange(y, 0, first * batch),
                    new float[first * batch], first, batch, carried);
            loss = g.compute(Arrays.copyOfRange(x, first * batch, steps * batch), Arrays.copyOfRange(y, first * batch, steps * batch),
                    w, second, batch, carried);
        }

        assertThat(loss).isCloseTo(expected, within(1e-5 * expected));
        // and the carried state is where stepping each stream element by element ends
        SumModel.Stepper stepper = m.newStepper();
        for (int b = 0; b < batch; b++) {
            LstmState s = LstmState.zeros(m.lstmConfig());
            for (int t = 0; t < steps; t++) {
                stepper.step(x[t * batch + b] * 100, s);
            }
            float[] h = carried.hidden(b, b + 1);
            float[] c = carried.cell(b, b + 1);
            for (int j = 0; j < h.length; j++) {
                assertThat(h[j]).isCloseTo(s.h(0)[j], within(1e-5f));
                assertThat(c[j]).isCloseTo(s.c(0)[j], within(1e-5f));
            }
        }
    }

    @Test
    void threadsSharingChunksOfCarriedStreamsGiveTheWholeBatchsGradient() {
        int steps = 4;
        int batch = 7;
        float[] x = new float[2 * steps * batch];
        float[] y = new float[2 * steps * batch];
        new SumData(6).batch(2 * steps, batch, 1.0, x, y);
        for (int i = 0; i < x.length; i++) {
            x[i] /= 100;
            y[i] /= 100;
        }
        float[] w = new float[steps * batch];
        Arrays.fill(w, 1f);
        Map<String, float[]> expected = null;
        for (int threads : new int[]{1, 3}) {
            SumModel m = model();
            StreamStates carried = new StreamStates(m.lstmConfig(), batch);
            try (SumGradients g = new SumGradients(m, threads)) {
                g.compute(Arrays.copyOfRange(x, 0, steps * batch), Arrays.copyOfRange(y, 0, steps * batch), w, steps, batch, carried);
                g.compute(Arrays.copyOfRange(x, steps * batch, 2 * steps * batch), Arrays.copyOfRange(y, steps * batch, 2 * steps * batch),
                        w, steps, batch, carried);
            }
            Map<String, float[]> got = grads(m);
            if (expected == null) {
                expected = got;
                continue;
            }
            for (String name : expected.keySet()) {
                float[] e = expected.get(name);
                float scale = 0;
                for (float v : e) {
                    scale = Math.max(scale, Math.abs(v));
                }
                assertThat(scale).as("%s is exercised", name).isGreaterThan(0);
                for (int i = 0; i < e.length; i++) {
                    assertThat(got.get(name)[i]).as("%s[%d]", name, i).isCloseTo(e[i], within(1e-5f * scale));
                }
            }
        }
    }

    /**
     * Both halves in one test, in this order: once a JVM serves streams it stays on one BLAS thread
     * for good, so the first half could not run after the second.
     */
    @Test
    void theBlasThreadsComeBackWhenTheThreadsEndUnlessTheJvmBeganToServeMeanwhile() {
        // two, as ./stepwise's OMP_NUM_THREADS gives on 2 cores
        Nd4j.factory().blas().setMaxThreads(2);
        try (SumGradients g = new SumGradients(model(), 2)) {
            assertThat(Nd4j.factory().blas().getMaxThreads()).as("while the threads share the cores").isEqualTo(1);
        }
        assertThat(Nd4j.factory().blas().getMaxThreads()).as("given back").isEqualTo(2);

        // demo: a sum trainer starts, then the inference job in the same JVM opens, then the trainer ends
        try (SumGradients g = new SumGradients(model(), 2)) {
            Nd4jRuntime.oneBlasThread();
        }
        assertThat(Nd4j.factory().blas().getMaxThreads()).as("the serving job's products stay on their own thread").isEqualTo(1);
    }
}
