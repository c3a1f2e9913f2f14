package io.stepwise.torch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tensors written as nested JSON arrays, the form of the PyTorch reference files
 * (lstm-core/src/test/resources/fixtures):
 * each float32 value printed as the decimal double that parses back to the same float.
 */
public final class JsonTensors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonTensors() {
    }

    public static JsonNode read(InputStream in) throws IOException {
        return JSON.readTree(in);
    }

    public static JsonNode read(java.nio.file.Path file) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            return JSON.readTree(in);
        }
    }

    /** A nested JSON array of numbers as a tensor (row-major); a number is a scalar of shape []. */
    public static Tensor tensor(JsonNode node) {
        List<Integer> shape = new ArrayList<>();
        JsonNode n = node;
        while (n.isArray()) {
            shape.add(n.size());
            if (n.size() == 0) {
                break;
            }
            n = n.get(0);
        }
        List<Float> values = new ArrayList<>();
        flatten(node, values);
        float[] data = new float[values.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = values.get(i);
        }
        return new Tensor(shape.stream().mapToInt(Integer::intValue).toArray(), data);
    }

    public static float[] floats(JsonNode node) {
        return tensor(node).data();
    }

    public static double[] doubles(JsonNode node) {
        List<Double> values = new ArrayList<>();
        flattenD(node, values);
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    public static int[] ints(JsonNode node) {
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asInt();
        }
        return out;
    }

    /** An object of tensors, optionally under a prefix: {@code {"weight_ih_l0": [...], ...}}. */
    public static Map<String, Tensor> tensors(JsonNode obj, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        obj.fields().forEachRemaining(e -> out.put(prefix + e.getKey(), tensor(e.getValue())));
        return out;
    }

    /** Nested objects flattened to dotted names: {@code {"lstm": {"weight_ih_l0": ..}}} to {@code lstm.weight_ih_l0}. */
    public static Map<String, Tensor> stateDict(JsonNode obj) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        obj.fields().forEachRemaining(e -> {
            if (e.getValue().isObject()) {
                out.putAll(tensors(e.getValue(), e.getKey() + "."));
            } else {
                out.put(e.getKey(), tensor(e.getValue()));
            }
        });
        return out;
    }

    private static void flatten(JsonNode n, List<Float> out) {
        if (n.isArray()) {
            n.forEach(c -> flatten(c, out));
        } else {
            out.add((float) n.asDouble());
        }
    }

    private static void flattenD(JsonNode n, List<Double> out) {
        if (n.isArray()) {
            n.forEach(c -> flattenD(c, out));
        } else {
            out.add(n.asDouble());
        }
    }
}
