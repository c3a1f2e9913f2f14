package io.stepwise.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major (C) order, the layout of a PyTorch tensor from
 * {@code state_dict()}. The data array is shared, not copied: parameters are updated in place.
 */
public record Tensor(int[] shape, float[] data) {

    public Tensor {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values, data has " + data.length);
        }
        shape = shape.clone();
    }

    public static Tensor zeros(int... shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return new Tensor(shape, new float[Math.toIntExact(n)]);
    }

    public int size() {
        return data.length;
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i];
    }

    public Tensor copy() {
        return new Tensor(shape, data.clone());
    }

    public boolean sameShape(int... other) {
        return Arrays.equals(shape, other);
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
