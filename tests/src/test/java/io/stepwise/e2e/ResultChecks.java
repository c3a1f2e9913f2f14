package io.stepwise.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.model.Model;
import io.stepwise.predict.OfflinePredictor;
import io.stepwise.wire.Element;
import io.stepwise.wire.Result;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.data.Offset;

/** What a downstream consumer may rely on, checked on the results it read. */
final class ResultChecks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultChecks() {
    }

    /**
     * The results by {@code stream#seq}, asserting on the way that each appears once and that each
     * stream's results come in order (a stream's records share a partition, key = stream).
     */
    static Map<String, JsonNode> byStreamAndSeq(List<ConsumerRecord<String, String>> records) throws IOException {
        Map<String, JsonNode> out = new HashMap<>();
        Map<String, Long> lastSeq = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            JsonNode n = JSON.readTree(r.value());
            String stream = n.get("stream").asText();
            long seq = n.get("seq").asLong();
            assertThat(out.put(stream + "#" + seq, n)).as("result %s#%s appears once", stream, seq).isNull();
            Long last = lastSeq.put(stream, seq);
            assertThat(last == null || last < seq).as("stream %s in order: %s after %s", stream, seq, last).isTrue();
            assertThat(r.key()).isEqualTo(stream);
        }
        return out;
    }

    /** Every result equals what the offline predictor gives for the same input: tags identical, sums within 1e-5. */
    static void assertSameAsOffline(Model model, List<Element> input, Map<String, JsonNode> actual) {
        List<Result> expected = new OfflinePredictor(model).predict(input).results();
        assertThat(actual).hasSize(expected.size());
        for (Result e : expected) {
            JsonNode a = actual.get(e.stream() + "#" + e.seq());
            assertThat(a).as("result for %s#%s", e.stream(), e.seq()).isNotNull();
            assertThat(a.get("version").asInt()).isEqualTo(model.version());
            if (e instanceof Result.Tag t) {
                assertThat(a.get("tag").asText()).as("%s#%s", e.stream(), e.seq()).isEqualTo(t.tag());
            } else if (e instanceof Result.Sum s) {
                assertThat(a.get("sum").asDouble()).as("%s#%s", e.stream(), e.seq()).isCloseTo(s.sum(), Offset.offset(1e-5));
                assertThat(a.get("exact").asDouble()).isEqualTo(s.exact());
            }
        }
    }

    static long resultsFor(List<Element> input) {
        return input.stream().filter(e -> !e.end()).count();
    }
}
