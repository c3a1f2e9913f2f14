package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.ParameterSet;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
