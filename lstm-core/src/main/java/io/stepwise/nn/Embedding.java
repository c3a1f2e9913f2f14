package io.stepwise.nn;

import io.stepwise.tensor.ParameterSet;
import io.stepwise.tensor.Tensor;
import java.util.SplittableRandom;

/** {@code nn.Embedding}: row {@code id} of a {@code [num_embeddings, embedding_dim]} table. */
public final class Embedding {

    private final int count;
    private final int dim;
    private final ParameterSet.Parameter weight;

    public Embedding(ParameterSet set, String prefix, int count, int dim) {
        this.count = count;
        this.dim = dim;
        set.add(prefix + "weight", count, dim);
        this.weight = set.get(prefix + "weight");
    }

    public int dim() {
        return dim;
    }

    public int count() {
        return count;
    }

    public Tensor weight() {
        return weight.value();
    }

    /** PyTorch's default: N(0, 1). */
    public void initDefault(ParameterSet set, SplittableRandom rng) {
        set.initNormal(weight.name(), 1f, rng);
    }

    /** Copies the rows of {@code ids} into {@code out[ids.length][dim]}. */
    public float[] forward(int[] ids) {
        float[] out = new float[ids.length * dim];
        for (int i = 0; i < ids.length; i++) {
            lookup(ids[i], out, i * dim);
        }
        return out;
    }

    public void lookup(int id, float[] out, int off) {
        if (id < 0 || id >= count) {
            throw new IndexOutOfBoundsException("embedding index " + id + " outside [0, " + count + ")");
        }
        System.arraycopy(weight.data(), id * dim, out, off, dim);
    }

    /**
     * Scatter-adds {@code dOut[ids.length][dim]} into the rows used; a repeated word accumulates.
     * Negative ids (padding, or an unknown word without an entry) have no row and are skipped.
     */
    public void backward(int[] ids, float[] dOut) {
        float[] g = weight.gradData();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0) {
                continue;
            }
            int base = ids[i] * dim;
            for (int j = 0; j < dim; j++) {
                g[base + j] += dOut[i * dim + j];
            }
        }
    }
}
