package io.stepwise.tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The named parameters of a model and their gradients, in a fixed order, under the names a
 * PyTorch {@code state_dict()} uses ({@code lstm.weight_ih_l0}, {@code hidden2tag.bias}, ...).
 * Layers hold references to the value and gradient arrays; optimizers walk the set in order.
 */
public final class ParameterSet {

    /** One parameter: its value and the gradient accumulated by the last backward pass. */
    public record Parameter(String name, Tensor value, Tensor grad) {
        public float[] data() {
            return value.data();
        }

        public float[] gradData() {
            return grad.data();
        }
    }

    private final Map<String, Parameter> params = new LinkedHashMap<>();

    /** Adds a zero-initialised parameter and returns its value tensor. */
    public Tensor add(String name, int... shape) {
        return add(name, Tensor.zeros(shape));
    }

    public Tensor add(String name, Tensor value) {
        if (params.containsKey(name)) {
            throw new IllegalArgumentException("parameter " + name + " defined twice");
        }
        params.put(name, new Parameter(name, value, Tensor.zeros(value.shape())));
        return value;
    }

    public Parameter get(String name) {
        Parameter p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter named " + name + "; have " + params.keySet());
        }
        return p;
    }

    public boolean contains(String name) {
        return params.containsKey(name);
    }

    public Map<String, Parameter> asMap() {
        return Collections.unmodifiableMap(params);
    }

    /** The values by name, as {@code state_dict()} would list them. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v.value()));
        return out;
    }

    /**
     * Copies values from a state dict into this set. Every parameter must be present with the same
     * shape; extra entries are an error too, so a model never half-loads.
     */
    public void load(Map<String, Tensor> stateDict) {
        for (String name : stateDict.keySet()) {
            if (!params.containsKey(name)) {
                throw new IllegalArgumentException("unexpected parameter " + name + "; expected " + params.keySet());
            }
        }
        for (Parameter p : params.values()) {
            Tensor t = stateDict.get(p.name());
            if (t == null) {
                throw new IllegalArgumentException("missing parameter " + p.name());
            }
            if (!t.sameShape(p.value().shape())) {
                throw new IllegalArgumentException("parameter " + p.name() + " has shape " + t.shapeString()
                        + ", expected " + p.value().shapeString());
            }
            System.arraycopy(t.data(), 0, p.data(), 0, t.size());
        }
    }

    public int totalSize() {
        int n = 0;
        for (Parameter p : params.values()) {
            n += p.value().size();
        }
        return n;
    }

    public void zeroGrad() {
        for (Parameter p : params.values()) {
            java.util.Arrays.fill(p.gradData(), 0f);
        }
    }

    /** PyTorch's default initialisation of LSTM and Linear weights: U(-bound, bound). */
    public void initUniform(String name, float bound, SplittableRandom rng) {
        float[] d = get(name).data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
    }

    /** PyTorch's default initialisation of an embedding: N(0, 1). */
    public void initNormal(String name, float std, SplittableRandom rng) {
        float[] d = get(name).data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (gaussian(rng) * std);
        }
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    // ---- data-parallel shares: replicas of one model, each with gradients of its own ---------------

    /** Copies every weight into {@code to}, a replica with the same parameters. */
    public void copyValuesTo(ParameterSet to) {
        for (Parameter p : params.values()) {
            System.arraycopy(p.data(), 0, to.get(p.name()).data(), 0, p.data().length);
        }
    }

    /** Multiplies every gradient by {@code a}. */
    public void scaleGrads(float a) {
        for (Parameter p : params.values()) {
            float[] g = p.gradData();
            for (int i = 0; i < g.length; i++) {
                g[i] *= a;
            }
        }
    }

    /** Adds {@code a} times every gradient to the same parameter's gradient in {@code to}. */
    public void addGradsTo(ParameterSet to, float a) {
        for (Parameter p : params.values()) {
            float[] src = p.gradData();
            float[] dst = to.get(p.name()).gradData();
            for (int i = 0; i < src.length; i++) {
                dst[i] += a * src[i];
            }
        }
    }

    /** Global L2 norm of all gradients. */
    public double gradNorm() {
        double s = 0;
        for (Parameter p : params.values()) {
            for (float g : p.gradData()) {
                s += (double) g * g;
            }
        }
        return Math.sqrt(s);
    }

    /** Scales all gradients so that their global norm is at most {@code maxNorm}; returns the norm before. */
    public double clipGradNorm(double maxNorm) {
        double norm = gradNorm();
        if (norm > maxNorm && norm > 0) {
            float scale = (float) (maxNorm / norm);
            for (Parameter p : params.values()) {
                float[] g = p.gradData();
                for (int i = 0; i < g.length; i++) {
                    g[i] *= scale;
                }
            }
        }
        return norm;
    }
}
