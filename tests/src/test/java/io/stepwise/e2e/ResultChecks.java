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
     * The results by {@code stream#seq} (with {@code ?} or {@code !} after it for a delayed tagger's
     * tag at once and final tag), asserting on the way that each appears once and that each stream's
     * results of each kind come in order (a stream's records share a partition, key = stream).
     */
    static Map<String, JsonNode> byStreamAndSeq(List<ConsumerRecord<String, String>> records) throws IOException {
        Map<String, JsonNode> out = new HashMap<>();
        Map<String, Long> lastSeq = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            JsonNode n = JSON.readTree(r.value());
            String stream = n.get("stream").asText();
            long seq = n.get("seq").asLong();
            String kind = kind(n.has("final") ? n.get("final").asBoolean() : null);
            assertThat(out.put(stream + "#" + seq + kind, n)).as("result %s#%s%s appears once", stream, seq, kind).isNull();
            Long last = lastSeq.put(stream + kind, seq);
            assertThat(last == null || last < seq).as("stream %s in order: %s after %s", stream, seq, last).isTrue();
            assertThat(r.key()).isEqualTo(stream);
        }
        return out;
    }

    private static String kind(Boolean isFinal) {
        return isFinal == null ? "" : isFinal ? "!" : "?";
    }

    /** Every result equals what the offline predictor gives for the same input: tags identical, sums within 1e-5. */
    static void assertSameAsOffline(Model model, List<Element> input, Map<String, JsonNode> actual) {
        List<Result> expected = new OfflinePredictor(model).predict(input).results();
        assertThat(actual).hasSize(expected.size());
        for (Result e : expected) {
            String kind = e instanceof Result.Tag t ? kind(t.isFinal()) : "";
            JsonNode a = actual.get(e.stream() + "#" + e.seq() + kind);
            assertThat(a).as("result for %s#%s%s", e.stream(), e.seq(), kind).isNotNull();
            assertThat(a.get("version").asInt()).isEqualTo(model.version());
            if (e instanceof Result.Tag t) {
                assertThat(a.get("tag").asText()).as("%s#%s%s", e.stream(), e.seq(), kind).isEqualTo(t.tag());
                assertThat(a.get("p").asDouble()).as("%s#%s%s", e.stream(), e.seq(), kind).isCloseTo(t.p(), Offset.offset(1e-5));
            } else if (e instanceof Result.Sum s) {
                assertThat(a.get("sum").asDouble()).as("%s#%s", e.stream(), e.seq()).isCloseTo(s.sum(), Offset.offset(1e-5));
                assertThat(a.get("exact").asDouble()).isEqualTo(s.exact());
                // the valid-range flag: as predict gives it, or absent when the model records no range
                if (s.inRange() == null) {
                    assertThat(a.has("in_range")).as("%s#%s has no in_range", e.stream(), e.seq()).isFalse();
                } else {
                    assertThat(a.get("in_range").asBoolean()).as("%s#%s in_range", e.stream(), e.seq()).isEqualTo(s.inRange());
                }
            }
        }
    }

    static long resultsFor(List<Element> input) {
        return input.stream().filter(e -> !e.end()).count();
    }

    /** The results a model gives for {@code input}: two per word for a delayed tagger. */
    static long resultsFor(Model model, List<Element> input) {
        return new OfflinePredictor(model).predict(input).results().size();
    }
}
