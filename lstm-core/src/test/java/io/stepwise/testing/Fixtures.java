package io.stepwise.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.torch.JsonTensors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The PyTorch reference files in lstm-core/src/test/resources/fixtures (how they were made: its
 * README.md): tests take every expected number from them and none from code.
 */
public final class Fixtures {

    private Fixtures() {
    }

    public static JsonNode load(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("fixture " + name + " is not on the test classpath");
            }
            return JsonTensors.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
