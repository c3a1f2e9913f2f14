package io.stepwise.jobs.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.TaggerShape;
import io.stepwise.model.Vocabulary;
import io.stepwise.predict.OfflinePredictor;
import io.stepwise.wire.Element;
import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.ModelAnnouncement;
import io.stepwise.wire.Result;
import io.stepwise.wire.SourcedElement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bounded-delay decoding in the keyed operator, on Flink's harness: every word's tag at once, its
 * final tag D words later (or at the end, or when the stream expires), kept in keyed state across
 * a restore, settled by the version that tagged it. Expected finals come from offline prediction
 * over the whole sentence.
 */
class DelayedTagsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> WORDS = List.of("the", "dog", "ate", "a", "cat", "apple");

    private KeyedTwoInputStreamOperatorTestHarness<String, SourcedElement, ModelAnnouncement, KeyedJson> harness;

    static TaggerModel delayed(int version, long seed, int delay) {
        Vocabulary chars = Vocabulary.withUnknown(List.of("t", "h", "e", "d", "o", "g", "a", "c", "p", "l"));
        return new TaggerModel(new ModelMeta("tagger", version, Map.of()), Vocabulary.withUnknown(WORDS),
                Vocabulary.closed(List.of("DET", "NOUN", "VERB")), chars, new TaggerShape(5, 7, 1, 4, 3, 10, delay, false))
                .initRandom(seed);
    }

    private void open(TaggerModel m, ServingSettings.Builder settings) throws Exception {
        harness = RunningInferenceTest.harness(settings.batchSize(1).build(), m);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void send(SourcedElement... es) throws Exception {
        for (SourcedElement e : es) {
            harness.processElement1(new StreamRecord<>(e));
        }
    }

    private static SourcedElement token(String stream, long seq, String token) {
        return SourcedElement.of(Element.token(stream, seq, null, token));
    }

    private static SourcedElement end(String stream, long seq) {
        return SourcedElement.of(Element.endOf(stream, seq, null));
    }

    private List<JsonNode> results() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (KeyedJson k : harness.extractOutputValues()) {
            out.add(JSON.readTree(k.json()));
        }
        return out;
    }

    private static String key(JsonNode r) {
        return r.get("stream").asText() + r.get("seq").asInt() + (r.get("final").asBoolean() ? "!" : "?");
    }

    /** What offline prediction says of a whole sentence: seq + "?" (at once) or "!" (final) to tag@version. */
    private static Map<String, String> offline(TaggerModel m, String stream, String... words) {
        List<Element> es = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            es.add(Element.token(stream, (long) i + 1, null, words[i]));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Result r : new OfflinePredictor(m).predict(es).results()) {
            Result.Tag t = (Result.Tag) r;
            out.put(t.stream() + t.seq() + (t.isFinal() ? "!" : "?"), t.tag() + "@v" + t.version());
        }
        return out;
    }

    private static Map<String, String> byKey(List<JsonNode> rs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode r : rs) {
            out.put(key(r), r.get("tag").asText() + "@v" + r.get("version").asInt());
        }
        return out;
    }

    @Test
    void aWordsFinalTagComesExactlyDelayWordsLaterAndTheEndSettlesTheRest() throws Exception {
        TaggerModel m = delayed(1, 7, 2);
        open(m, ServingSettings.builder());

        send(token("a", 1, "the"), token("a", 2, "dog"));
        assertThat(results()).extracting(DelayedTagsTest::key).containsExactly("a1?", "a2?");
        send(token("a", 3, "ate"));
        assertThat(results()).extracting(DelayedTagsTest::key).containsExactly("a1?", "a2?", "a3?", "a1!");
        send(token("a", 4, "a"), end("a", 5));

        assertThat(results()).extracting(DelayedTagsTest::key)
                .containsExactly("a1?", "a2?", "a3?", "a1!", "a4?", "a2!", "a3!", "a4!");
        assertThat(byKey(results())).isEqualTo(offline(m, "a", "the", "dog", "ate", "a"));
        assertThat(harness.numKeyedStateEntries()).as("the end leaves nothing behind").isZero();
    }

    @Test
    void anIdleStreamsWaitingWordsAreFinalWithWhatTheyHave() throws Exception {
        TaggerModel m = delayed(1, 7, 2);
        open(m, ServingSettings.builder().idleTimeout(Duration.ofMinutes(1)));
        harness.setProcessingTime(1_000);

        send(token("a", 1, "the"), token("a", 2, "dog"));
        harness.setProcessingTime(1_000 + Duration.ofMinutes(1).toMillis() + 1);

        assertThat(byKey(results())).isEqualTo(offline(m, "a", "the", "dog"));
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void duplicatesChangeNothingThatWaits() throws Exception {
        TaggerModel m = delayed(1, 7, 2);
        open(m, ServingSettings.builder());

        send(token("a", 1, "the"), token("a", 2, "dog"), token("a", 2, "dog"), token("a", 1, "the"), token("a", 3, "ate"), end("a", 4));

        assertThat(byKey(results())).isEqualTo(offline(m, "a", "the", "dog", "ate"));
        assertThat(results()).hasSize(6);
    }

    @Test
    void aRestoreInTheMiddleOfADelayLosesAndDoublesNothing() throws Exception {
        TaggerModel m = delayed(1, 7, 3);
        open(m, ServingSettings.builder());
        send(token("a", 1, "the"), token("a", 2, "dog"), token("b", 1, "a"));
        harness.prepareSnapshotPreBarrier(1);
        var snapshot = harness.snapshot(1, 1);
        List<JsonNode> before = results();
        harness.close();

        harness = RunningInferenceTest.harness(ServingSettings.builder().batchSize(1).build(), m);
        harness.initializeState(snapshot);
        harness.open();
        send(token("a", 3, "ate"), token("a", 4, "a"), token("a", 5, "cat"), end("a", 6), token("b", 2, "cat"), end("b", 3));

        List<JsonNode> all = new ArrayList<>(before);
        all.addAll(results());
        Map<String, String> expected = new LinkedHashMap<>(offline(m, "a", "the", "dog", "ate", "a", "cat"));
        expected.putAll(offline(m, "b", "a", "cat"));
        assertThat(byKey(all)).isEqualTo(expected);
        assertThat(all).hasSize(expected.size());
    }

    @Test
    void underPinTheWaitingWordsFinishOnTheirVersion() throws Exception {
        TaggerModel v1 = delayed(1, 7, 2);
        TaggerModel v2 = delayed(2, 99, 2);
        open(v1, ServingSettings.builder().updatePolicy(UpdatePolicy.PIN));

        send(token("a", 1, "the"), token("a", 2, "dog"));
        harness.processElement2(new StreamRecord<>(RunningInferenceTest.announce(v2)));
        send(token("a", 3, "ate"), end("a", 4), token("b", 1, "cat"), end("b", 2));

        Map<String, String> expected = new LinkedHashMap<>(offline(v1, "a", "the", "dog", "ate"));
        expected.putAll(offline(v2, "b", "cat"));
        assertThat(byKey(results())).isEqualTo(expected);
    }

    @Test
    void underSwitchAndRewarmTheVersionThatTaggedTheWaitingWordsSettlesThemFirst() throws Exception {
        for (UpdatePolicy policy : List.of(UpdatePolicy.SWITCH, UpdatePolicy.REWARM)) {
            TaggerModel v1 = delayed(1, 7, 2);
            TaggerModel v2 = delayed(2, 99, 2);
            open(v1, ServingSettings.builder().updatePolicy(policy));

            send(token("a", 1, "the"), token("a", 2, "dog"));
            harness.processElement2(new StreamRecord<>(RunningInferenceTest.announce(v2)));
            send(token("a", 3, "ate"));

            List<JsonNode> out = results();
            assertThat(out).extracting(DelayedTagsTest::key).as("%s", policy).containsExactly("a1?", "a2?", "a1!", "a2!", "a3?");
            // a1 and a2 settled by v1 from the words they had: as if the sentence had ended after "dog"
            Map<String, String> settled = offline(v1, "a", "the", "dog");
            assertThat(byKey(out.subList(2, 4))).as("%s", policy)
                    .isEqualTo(Map.of("a1!", settled.get("a1!"), "a2!", settled.get("a2!")));
            assertThat(out.get(4).get("version").asInt()).isEqualTo(2);
            harness.close();
            harness = null;
        }
    }

    @Test
    void aTaggerWithoutDelayKeepsItsV1Results() throws Exception {
        TaggerModel m = delayed(1, 7, 0);
        open(m, ServingSettings.builder());

        send(token("a", 1, "the"), end("a", 2));

        assertThat(results()).singleElement().satisfies(r -> assertThat(r.has("final")).isFalse());
        assertThat(ModelFile.fromBytes(ModelFile.toBytes(m), "m")).isInstanceOf(TaggerModel.class);
    }
}
