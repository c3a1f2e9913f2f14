package io.stepwise.torch;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The files real NumPy wrote (test resources numpy/, see make_numpy_files.py) and what NumPy says they hold. */
final class NumpyFiles {

    private NumpyFiles() {
    }

    static Path path(String name) {
        URL url = NumpyFiles.class.getResource("/numpy/" + name);
        if (url == null) {
            throw new IllegalStateException("numpy/" + name + " is not on the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(String name) {
        try (InputStream in = NumpyFiles.class.getResourceAsStream("/numpy/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode expected() {
        try (InputStream in = NumpyFiles.class.getResourceAsStream("/numpy/expected.json")) {
            return JsonTensors.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An expected array as NumPy described it: its shape and its values cast to float32. */
    static Tensor expected(String key) {
        JsonNode e = expected().get(key);
        int[] shape = JsonTensors.ints(e.get("shape"));
        return new Tensor(shape, JsonTensors.floats(e.get("values")));
    }
}
