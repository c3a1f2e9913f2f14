package io.stepwise.jobs.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.model.ModelKind;
import io.stepwise.wire.LabelledExample;
import io.stepwise.wire.RawRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class ParseExamplesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void badExamplesAndExamplesOfTheOtherKindAreDeadLetteredWithTheirReasonAndCoordinates() throws Exception {
        OneInputStreamOperatorTestHarness<RawRecord, LabelledExample> h =
                ProcessFunctionTestHarnesses.forProcessFunction(new ParseExamples(ModelKind.TAGGER));
        List<String> values = List.of(
                "{\"tokens\":[\"the\",\"dog\"],\"tags\":[\"DET\",\"NOUN\"]}",
                "{\"values\":[1,2]}",
                "not json",
                "{\"tokens\":[\"the\"],\"tags\":[]}",
                "{\"tokens\":[\"a\"],\"tags\":[\"DET\"]}");
        for (int i = 0; i < values.size(); i++) {
            h.processElement(new StreamRecord<>(new RawRecord("examples", 0, i, 0, "k" + i, values.get(i))));
        }

        assertThat(h.extractOutputValues()).extracting(LabelledExample::toJson)
                .containsExactly(values.get(0), values.get(4));
        List<JsonNode> dead = new ArrayList<>();
        for (StreamRecord<?> r : h.getSideOutput(TrainingJob.DEAD_LETTERS)) {
            dead.add(JSON.readTree(((io.stepwise.wire.KeyedJson) r.getValue()).json()));
        }
        assertThat(dead).extracting(d -> d.get("offset").asInt()).containsExactly(1, 2, 3);
        assertThat(dead).extracting(d -> d.get("value").asText()).containsExactly(values.get(1), values.get(2), values.get(3));
        assertThat(dead.get(0).get("error").asText()).contains("sum example").contains("tagger");
        assertThat(dead.get(1).get("error").asText()).contains("not JSON");
        assertThat(dead.get(2).get("error").asText()).contains("'tags' is empty");
        assertThat(dead).allSatisfy(d -> assertThat(d.get("topic").asText()).isEqualTo("examples"));
        h.close();
    }
}
