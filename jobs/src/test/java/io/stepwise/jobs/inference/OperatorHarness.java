package io.stepwise.jobs.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.model.Model;
import io.stepwise.wire.Element;
import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.ModelAnnouncement;
import io.stepwise.wire.SourcedElement;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * The inference operator, open on Flink's keyed broadcast operator test harness, fed elements and
 * inline announcements, its results read back as JSON: what the operator tests of one model kind
 * all do around their own checks. Close it after the test.
 */
final class OperatorHarness implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyedTwoInputStreamOperatorTestHarness<String, SourcedElement, ModelAnnouncement, KeyedJson> harness;

    private OperatorHarness(KeyedTwoInputStreamOperatorTestHarness<String, SourcedElement, ModelAnnouncement, KeyedJson> h) {
        this.harness = h;
    }

    /** The operator with {@code settings}, serving {@code initial} (null: none until one is announced), opened. */
    static OperatorHarness open(ServingSettings settings, Model initial) throws Exception {
        OperatorHarness h = new OperatorHarness(RunningInferenceTest.harness(settings, initial));
        h.harness.open();
        return h;
    }

    void element(Element e) throws Exception {
        harness.processElement1(new StreamRecord<>(SourcedElement.of(e)));
    }

    /** A number element without a timestamp. */
    void value(String stream, long seq, double v) throws Exception {
        element(Element.value(stream, seq, null, v));
    }

    void announce(Model m) throws Exception {
        harness.processElement2(new StreamRecord<>(RunningInferenceTest.announce(m)));
    }

    /** Every result emitted so far, in order. */
    List<JsonNode> results() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (KeyedJson k : harness.extractOutputValues()) {
            out.add(JSON.readTree(k.json()));
        }
        return out;
    }

    InferenceMetrics metrics() {
        return ((RunningInference) harness.getOperator()).metrics();
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
