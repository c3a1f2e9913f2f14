package io.stepwise.jobs.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.Vocabulary;
import io.stepwise.predict.OfflinePredictor;
import io.stepwise.wire.Element;
import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.ModelAnnouncement;
import io.stepwise.wire.Result;
import io.stepwise.wire.SourcedElement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.CheckpointOptions;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.memory.MemCheckpointStreamFactory;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.OperatorSnapshotFinalizer;
import org.apache.flink.streaming.api.operators.OperatorSnapshotFutures;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The keyed operator on Flink's keyed broadcast operator test harness: real keyed and broadcast
 * state, real timers. Expected tags and sums come from the offline whole-sequence predictor.
 */
class RunningInferenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration IDLE = Duration.ofMinutes(5);

    private KeyedTwoInputStreamOperatorTestHarness<String, SourcedElement, ModelAnnouncement, KeyedJson> harness;

    static TaggerModel tagger(int version, long seed) {
        TaggerModel m = new TaggerModel(new ModelMeta("tagger", version, Map.of()),
                Vocabulary.withUnknown(List.of("the", "dog", "ate", "apple", "a", "cat")),
                Vocabulary.closed(List.of("DET", "NOUN", "VERB")), 5, 7, 1);
        return m.initRandom(seed);
    }

    static SumModel sum(int version, int hidden, long seed) {
        return new SumModel(new ModelMeta("sum", version, Map.of()), hidden, 1, 100f, 100f).initRandom(seed);
    }

    static ModelAnnouncement announce(Model m) {
        byte[] file = ModelFile.toBytes(m);
        return ModelAnnouncement.inline(m.name(), m.version(), file, ModelFile.sha256Hex(file));
    }

    /** The operator on a harness; unless the test says otherwise, each element is stepped as it comes (batch size 1). */
    private void open(ServingSettings options, Model initial) throws Exception {
        harness = harness(options, initial);
        harness.open();
    }

    private static ServingSettings.Builder unbatched() {
        return ServingSettings.builder().batchSize(1);
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, SourcedElement, ModelAnnouncement, KeyedJson> harness(
            ServingSettings options, Model initial) throws Exception {
        // the second input is broadcast: no key
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new RunningInference(options, initial == null ? null : ModelFile.toBytes(initial)),
                SourcedElement::stream, null, Types.STRING);
    }

    private void announce(ModelAnnouncement a) throws Exception {
        harness.processElement2(new StreamRecord<>(a));
    }

    private List<Integer> keptVersions() throws Exception {
        List<Integer> kept = new ArrayList<>();
        harness.getOperator().getOperatorStateBackend().getBroadcastState(ModelVersions.FILES).entries()
                .forEach(e -> kept.add(e.getKey()));
        return kept;
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static SourcedElement token(String stream, long seq, String token) {
        return SourcedElement.of(Element.token(stream, seq, null, token));
    }

    private static SourcedElement value(String stream, long seq, double v) {
        return SourcedElement.of(Element.value(stream, seq, null, v));
    }

    private static SourcedElement end(String stream, long seq) {
        return SourcedElement.of(Element.endOf(stream, seq, null));
    }

    /** Entries across all keyed states (the stream state and the pending buffer). */
    private int keyedStateEntries() {
        return harness.numKeyedStateEntries();
    }

    /** The operator's {@code activeStreams} gauge. */
    private long activeStreams() {
        return ((RunningInference) harness.getOperator()).activeStreams();
    }

    private void send(SourcedElement... es) throws Exception {
        for (SourcedElement e : es) {
            harness.processElement1(new StreamRecord<>(e));
        }
    }

    private List<JsonNode> results() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (KeyedJson k : harness.extractOutputValues()) {
            out.add(JSON.readTree(k.json()));
        }
        return out;
    }

    private List<JsonNode> deadLetters() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        var side = harness.getSideOutput(InferenceJob.DEAD_LETTERS);
        if (side != null) {
            for (StreamRecord<KeyedJson> r : side) {
                out.add(JSON.readTree(r.getValue().json()));
            }
        }
        return out;
    }

    private static List<String> expectedTags(TaggerModel m, String stream, String... words) {
        List<Element> es = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            es.add(Element.token(stream, (long) i + 1, null, words[i]));
        }
        return new OfflinePredictor(m).predict(es).results().stream().map(r -> ((Result.Tag) r).tag()).toList();
    }

    @Test
    void interleavedStreamsEachGetTheirOwnStateAndMatchTheOfflinePrediction() throws Exception {
        TaggerModel m = tagger(1, 7);
        open(unbatched().build(), m);

        send(token("a", 1, "the"), token("b", 1, "a"), token("a", 2, "dog"), token("b", 2, "cat"),
                token("a", 3, "ate"), token("b", 3, "ate"), token("a", 4, "zebra"));

        List<JsonNode> out = results();
        assertThat(out).hasSize(7);
        assertThat(out.stream().filter(r -> r.get("stream").asText().equals("a")).map(r -> r.get("tag").asText()))
                .containsExactlyElementsOf(expectedTags(m, "a", "the", "dog", "ate", "zebra"));
        assertThat(out.stream().filter(r -> r.get("stream").asText().equals("b")).map(r -> r.get("tag").asText()))
                .containsExactlyElementsOf(expectedTags(m, "b", "a", "cat", "ate"));
        assertThat(out).allSatisfy(r -> {
            assertThat(r.get("model").asText()).isEqualTo("tagger");
            assertThat(r.get("version").asInt()).isEqualTo(1);
            assertThat(r.get("p").asDouble()).isBetween(0.0, 1.0);
        });
        assertThat(keyedStateEntries()).isEqualTo(2);
    }

    @Test
    void anEndMarkerResetsTheStreamAndLeavesNothingBehind() throws Exception {
        TaggerModel m = tagger(1, 7);
        open(unbatched().build(), m);

        send(token("a", 1, "the"), token("a", 2, "dog"), end("a", 3));
        assertThat(keyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();

        send(token("a", 4, "dog"));
        // the second sentence starts from the zero state: "dog" tagged as a first word
        assertThat(results().get(2).get("tag").asText()).isEqualTo(expectedTags(m, "a", "dog").get(0));
    }

    @Test
    void duplicatesAreDroppedAndDoNotChangeLaterResults() throws Exception {
        SumModel m = sum(1, 6, 3);
        open(unbatched().build(), m);

        send(value("s", 1, 10), value("s", 2, 20), value("s", 2, 20), value("s", 1, 10), value("s", 3, 30));

        List<JsonNode> out = results();
        assertThat(out).extracting(r -> r.get("seq").asLong()).containsExactly(1L, 2L, 3L);
        assertThat(out).extracting(r -> r.get("exact").asDouble()).containsExactly(10.0, 30.0, 60.0);
        double[] offline = m.runningSums(new double[]{10, 20, 30});
        for (int i = 0; i < 3; i++) {
            assertThat(out.get(i).get("sum").asDouble()).isCloseTo(offline[i], org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void anIdleStreamLosesItsStateAndStartsFresh() throws Exception {
        SumModel m = sum(1, 6, 3);
        open(unbatched().idleTimeout(IDLE).build(), m);

        harness.setProcessingTime(1_000);
        send(value("s", 1, 5));
        harness.setProcessingTime(1_000 + IDLE.toMillis() / 2);
        send(value("s", 2, 5));
        harness.setProcessingTime(1_000 + IDLE.toMillis() + 1);
        assertThat(keyedStateEntries()).as("still active: the timer moved on").isEqualTo(1);

        harness.setProcessingTime(1_000 + IDLE.toMillis() / 2 + IDLE.toMillis() + 1);
        assertThat(keyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();

        send(value("s", 3, 7));
        assertThat(results().get(2).get("exact").asDouble()).isEqualTo(7.0);
    }

    @Test
    void aNewVersionIsServedForNewElementsWithoutARestart() throws Exception {
        TaggerModel v1 = tagger(1, 7);
        TaggerModel v2 = tagger(2, 99);
        open(unbatched().build(), v1);

        send(token("a", 1, "the"));
        announce(announce(v2));
        send(token("b", 1, "the"), token("b", 2, "cat"));

        List<JsonNode> out = results();
        assertThat(out).extracting(r -> r.get("version").asInt()).containsExactly(1, 2, 2);
        assertThat(List.of(out.get(1).get("tag").asText(), out.get(2).get("tag").asText()))
                .isEqualTo(expectedTags(v2, "b", "the", "cat"));
    }

    @Test
    void badAnnouncementsAreRejectedAndThePreviousVersionKeepsServing() throws Exception {
        TaggerModel v2 = tagger(2, 7);
        open(unbatched().build(), null);
        announce(announce(v2));

        ModelAnnouncement older = announce(tagger(1, 8));
        ModelAnnouncement good = announce(tagger(3, 9));
        ModelAnnouncement wrongSha = new ModelAnnouncement("tagger", 3, "0".repeat(64), null, good.inline(), null);
        ModelAnnouncement wrongKind = announce(new SumModel(new ModelMeta("tagger", 4, Map.of()), 4, 1, 1f, 1f).initRandom(1));
        ModelAnnouncement unreadable = ModelAnnouncement.at("tagger", 5, "file:///nonexistent/tagger-v5.stepwise", "a".repeat(64));
        for (ModelAnnouncement bad : List.of(older, wrongSha, wrongKind, unreadable)) {
            announce(bad);
        }
        send(token("a", 1, "dog"));

        assertThat(results()).extracting(r -> r.get("version").asInt()).containsExactly(2);
        assertThat(deadLetters()).extracting(d -> d.get("error").asText())
                .anyMatch(e -> e.contains("not newer"))
                .anyMatch(e -> e.contains("SHA-256 mismatch"))
                .anyMatch(e -> e.contains("sum model"))
                .anyMatch(e -> e.contains("tagger-v5.stepwise"));
        assertThat(keptVersions()).containsExactly(2);
    }

    @Test
    void elementsWaitForTheFirstVersionAndAreThenProcessedInOrder() throws Exception {
        TaggerModel m = tagger(1, 7);
        open(unbatched().maxPendingPerStream(3).build(), null);

        send(token("a", 1, "the"), token("a", 2, "dog"), token("b", 1, "a"), token("a", 3, "ate"), token("a", 4, "apple"));
        assertThat(results()).isEmpty();
        assertThat(deadLetters()).singleElement().satisfies(d -> assertThat(d.get("error").asText()).contains("no model version"));

        announce(announce(m));

        List<JsonNode> out = results();
        assertThat(out.stream().filter(r -> r.get("stream").asText().equals("a")).map(r -> r.get("tag").asText()))
                .containsExactlyElementsOf(expectedTags(m, "a", "the", "dog", "ate"));
        assertThat(out).hasSize(4);
    }

    @Test
    void anElementOfTheWrongKindIsDeadLetteredAndTheStreamContinues() throws Exception {
        SumModel m = sum(1, 6, 3);
        open(unbatched().build(), m);

        send(value("s", 1, 10), token("s", 2, "dog"), value("s", 3, 5));

        assertThat(results()).extracting(r -> r.get("exact").asDouble()).containsExactly(10.0, 15.0);
        assertThat(deadLetters()).singleElement().satisfies(d -> assertThat(d.get("error").asText()).contains("takes values"));
    }

    @Test
    void aVersionWithAnotherHiddenSizeResetsTheStreamsItMeetsUnlessTheyAreCarried() throws Exception {
        // carry, the sums' default, moves them across hidden sizes (CarryUpdatePolicyTest); the others cannot
        open(unbatched().updatePolicy(UpdatePolicy.REWARM).build(), sum(1, 6, 3));
        send(value("s", 1, 10));
        SumModel wider = sum(2, 9, 4);
        announce(announce(wider));

        send(value("s", 2, 7));

        JsonNode r = results().get(1);
        assertThat(r.get("version").asInt()).isEqualTo(2);
        assertThat(r.get("sum").asDouble()).isCloseTo(wider.runningSums(new double[]{7})[0], org.assertj.core.data.Offset.offset(1e-5));
    }

    // ---- update policies: which version produces which result when a version arrives mid-sequence ----

    @Test
    void pinFinishesASentenceOnTheVersionItStartedWithAndStartsNewOnesOnTheNewest() throws Exception {
        TaggerModel v1 = tagger(1, 7);
        TaggerModel v2 = tagger(2, 99);
        open(unbatched().updatePolicy(UpdatePolicy.PIN).build(), v1);

        send(token("a", 1, "the"), token("a", 2, "dog"));
        announce(announce(v2));
        send(token("a", 3, "ate"), token("b", 1, "the"), end("a", 4), token("a", 5, "cat"));

        List<JsonNode> out = results();
        assertThat(out).extracting(r -> r.get("stream").asText() + r.get("seq").asInt() + "@v" + r.get("version").asInt())
                .containsExactly("a1@v1", "a2@v1", "a3@v1", "b1@v2", "a5@v2");
        assertThat(out.get(2).get("tag").asText()).isEqualTo(expectedTags(v1, "a", "the", "dog", "ate").get(2));
        assertThat(out.get(4).get("tag").asText()).isEqualTo(expectedTags(v2, "a", "cat").get(0));
    }

    @Test
    void switchKeepsTheStateAndContinuesWithTheNewWeightsAtOnce() throws Exception {
        TaggerModel v1 = tagger(1, 7);
        TaggerModel v2 = tagger(2, 99);
        open(unbatched().updatePolicy(UpdatePolicy.SWITCH).build(), v1);

        send(token("a", 1, "the"), token("a", 2, "dog"));
        announce(announce(v2));
        send(token("a", 3, "ate"));

        // independently: (h, c) after v1 stepped "the dog", then one v2 step
        io.stepwise.lstm.LstmState st = io.stepwise.lstm.LstmState.zeros(v1.lstmConfig());
        TaggerModel.Stepper s1 = v1.newStepper();
        s1.step("the", st);
        s1.step("dog", st);
        String expected = v2.newStepper().step("ate", st).tag();
        JsonNode last = results().get(2);
        assertThat(last.get("version").asInt()).isEqualTo(2);
        assertThat(last.get("tag").asText()).isEqualTo(expected);
    }

    @Test
    void rewarmRecomputesTheStateFromTheLastElementsUnderTheNewVersion() throws Exception {
        SumModel v1 = sum(1, 6, 3);
        SumModel v2 = sum(2, 6, 4);
        open(unbatched().updatePolicy(UpdatePolicy.REWARM).rewarmWindow(3).build(), v1);

        send(value("m", 1, 10), value("m", 2, 20), value("m", 3, 30), value("m", 4, 40));
        announce(announce(v2));
        send(value("m", 5, 50));

        JsonNode last = results().get(4);
        assertThat(last.get("version").asInt()).isEqualTo(2);
        assertThat(last.get("exact").asDouble()).isEqualTo(150.0);
        // v2 over the window (the last 3 elements) and then the new one
        assertThat(last.get("sum").asDouble()).isCloseTo(v2.runningSums(new double[]{20, 30, 40, 50})[3], org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void sumsCarryAndTaggersPinByDefault() {
        assertThat(ServingSettings.defaults().policyFor(io.stepwise.model.ModelKind.SUM)).isEqualTo(UpdatePolicy.CARRY);
        assertThat(ServingSettings.defaults().policyFor(io.stepwise.model.ModelKind.TAGGER)).isEqualTo(UpdatePolicy.PIN);
    }

    @Test
    void aPinnedVersionNoLongerKeptGivesWayToTheNewest() throws Exception {
        TaggerModel v1 = tagger(1, 7);
        TaggerModel v2 = tagger(2, 99);
        open(unbatched().updatePolicy(UpdatePolicy.PIN).keptVersions(1).build(), null);
        announce(announce(v1));

        send(token("a", 1, "the"));
        announce(announce(v2));
        send(token("a", 2, "dog"));

        assertThat(results()).extracting(r -> r.get("version").asInt()).containsExactly(1, 2);
        assertThat(keptVersions()).containsExactly(2);
    }

    // ---- micro-batches: many streams stepped together, never held across a checkpoint ----

    private static ServingSettings batched(int size) {
        return ServingSettings.builder().batchSize(size).maxBatchDelay(Duration.ofMillis(10)).build();
    }

    /** The elements' results one by one, from an unbatched operator: what a batch must reproduce. */
    private static List<JsonNode> unbatchedResults(Model m, SourcedElement... es) throws Exception {
        var h = harness(unbatched().build(), m);
        h.open();
        for (SourcedElement e : es) {
            h.processElement1(new StreamRecord<>(e));
        }
        List<JsonNode> out = new ArrayList<>();
        for (KeyedJson k : h.extractOutputValues()) {
            out.add(JSON.readTree(k.json()));
        }
        h.close();
        return out;
    }

    private static void assertSameResults(List<JsonNode> actual, List<JsonNode> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            JsonNode a = actual.get(i);
            JsonNode e = expected.get(i);
            assertThat(a.get("stream")).isEqualTo(e.get("stream"));
            assertThat(a.get("seq")).isEqualTo(e.get("seq"));
            if (e.has("tag")) {
                assertThat(a.get("tag")).as("%s", e).isEqualTo(e.get("tag"));
                assertThat(a.get("p").asDouble()).isCloseTo(e.get("p").asDouble(), org.assertj.core.data.Offset.offset(1e-5));
            } else {
                assertThat(a.get("exact").asDouble()).isEqualTo(e.get("exact").asDouble());
                assertThat(a.get("sum").asDouble()).isCloseTo(e.get("sum").asDouble(),
                        org.assertj.core.data.Offset.offset(1e-5 * Math.max(1, Math.abs(e.get("sum").asDouble()))));
            }
        }
    }

    @Test
    void aBatchWaitsAtMostTheDelayAndGivesWhatSingleStepsGive() throws Exception {
        TaggerModel m = tagger(1, 7);
        SourcedElement[] es = {token("a", 1, "the"), token("b", 1, "a"), token("c", 1, "cat")};
        open(batched(8), m);
        harness.setProcessingTime(100);

        send(es);
        assertThat(results()).as("the batch is not full and its delay has not passed").isEmpty();
        harness.setProcessingTime(110);

        assertSameResults(results(), unbatchedResults(m, es));
    }

    @Test
    void aFullBatchIsSteppedAtOnceAndTwoElementsOfAStreamGoInOrder() throws Exception {
        SumModel m = sum(1, 6, 3);
        SourcedElement[] es = {value("a", 1, 10), value("b", 1, -4), value("a", 2, 20), value("c", 1, 7), value("a", 3, 30),
            value("b", 2, 5)};
        open(batched(es.length), m);

        send(es);

        List<JsonNode> out = results();
        assertThat(out).extracting(r -> r.get("stream").asText() + r.get("seq").asInt())
                .as("every stream's results in arrival order").containsSubsequence("a1", "a2", "a3").containsSubsequence("b1", "b2");
        List<JsonNode> expected = unbatchedResults(m, es);
        java.util.Comparator<JsonNode> byKey = java.util.Comparator.comparing(r -> r.get("stream").asText() + r.get("seq").asInt());
        assertSameResults(out.stream().sorted(byKey).toList(), expected.stream().sorted(byKey).toList());
    }

    /** Eight elements of seven streams, a twice: a full batch of 8 whose second a needs the first's state. */
    private static final SourcedElement[] ONE_STREAM_TWICE = {value("a", 1, 10), value("b", 1, -4), value("c", 1, 7), value("d", 1, 2),
        value("a", 2, 20), value("e", 1, 1), value("f", 1, 3), value("g", 1, 5)};

    private static List<String> keys(List<JsonNode> results) {
        return results.stream().map(r -> r.get("stream").asText() + r.get("seq").asInt()).toList();
    }

    @Test
    void aStreamsSecondElementInAFullBatchBeginsTheNextBatchInsteadOfAProductOfItsOwn() throws Exception {
        SumModel m = sum(1, 6, 3);
        open(batched(8), m);
        harness.setProcessingTime(100);

        send(ONE_STREAM_TWICE);

        assertThat(keys(results())).containsExactly("a1", "b1", "c1", "d1", "e1", "f1", "g1");
        InferenceMetrics metrics = ((RunningInference) harness.getOperator()).metrics();
        assertThat(metrics.batchesStepped.getCount()).as("one product for the seven streams").isEqualTo(1);
        // the next batch's bounded wait steps a2
        harness.setProcessingTime(110);
        assertThat(keys(results())).endsWith("a2");
        assertThat(metrics.elementsStepped.getCount()).isEqualTo(8);
        assertSameResults(results().stream().sorted(java.util.Comparator.comparing(r -> r.get("stream").asText() + r.get("seq").asInt()))
                        .toList(),
                unbatchedResults(m, ONE_STREAM_TWICE).stream()
                        .sorted(java.util.Comparator.comparing(r -> r.get("stream").asText() + r.get("seq").asInt())).toList());
    }

    @Test
    void anElementCarriedToTheNextBatchIsSteppedBeforeACheckpointBarrier() throws Exception {
        open(batched(8), sum(1, 6, 3));
        harness.setProcessingTime(100);
        send(ONE_STREAM_TWICE);
        assertThat(results()).hasSize(7);

        harness.prepareSnapshotPreBarrier(1);

        assertThat(keys(results())).as("nothing waits across the checkpoint").hasSize(8).endsWith("a2");
    }

    @Test
    void aBatchBegunAfterAFullOneWaitsItsOwnDelayNotWhatIsLeftOfTheFormersTimer() throws Exception {
        open(batched(4), sum(1, 6, 3));
        harness.setProcessingTime(100);
        send(value("a", 1, 1), value("b", 1, 2), value("c", 1, 3), value("d", 1, 4));
        assertThat(results()).as("full").hasSize(4);

        harness.setProcessingTime(105);
        send(value("e", 1, 5));
        harness.setProcessingTime(110);
        assertThat(results()).as("the first batch's timer fires, but e has waited 5 ms of 10").hasSize(4);
        harness.setProcessingTime(115);
        assertThat(keys(results())).endsWith("e1").hasSize(5);
    }

    @Test
    void everyBatchOfSixteenOrMoreIsTimedAndSmallerOnesOneInSixteen() throws Exception {
        open(unbatched().build(), sum(1, 6, 3));
        for (int i = 1; i <= 32; i++) {
            send(value("s" + i, 1, i));
        }
        InferenceMetrics metrics = ((RunningInference) harness.getOperator()).metrics();
        assertThat(metrics.elementsStepped.getCount()).isEqualTo(32);
        assertThat(metrics.batchesStepped.getCount()).isEqualTo(32);
        assertThat(metrics.elementsTimed.getCount()).as("batches of one: the 16th and the 32nd").isEqualTo(2);

        harness.close();
        open(batched(16), sum(1, 6, 3));
        for (int i = 1; i <= 32; i++) {
            send(value("s" + i, 1, i));
        }
        metrics = ((RunningInference) harness.getOperator()).metrics();
        assertThat(metrics.batchesStepped.getCount()).isEqualTo(2);
        assertThat(metrics.elementsTimed.getCount()).as("both full batches").isEqualTo(32);
        assertThat(metrics.stepNanos.getCount()).isPositive();
    }

    @Test
    void aFullBatchThatIsMostlyOneStreamsBacklogIsSteppedWhole() throws Exception {
        open(batched(8), sum(1, 6, 3));
        SourcedElement[] backlog = new SourcedElement[8];
        for (int i = 0; i < 8; i++) {
            backlog[i] = value(i < 6 ? "a" : "b" + i, i + 1, i);
        }

        send(backlog);

        assertThat(results()).as("without a timer: stepped when full, in six products").hasSize(8);
    }

    @Test
    void noElementWaitsAcrossACheckpointAndARestoreContinuesEveryStream() throws Exception {
        TaggerModel m = tagger(1, 7);
        SourcedElement[] first = {token("a", 1, "the"), token("b", 1, "a"), token("a", 2, "dog")};
        SourcedElement[] second = {token("a", 3, "ate"), token("b", 2, "cat")};
        open(batched(100), m);

        send(first);
        assertThat(results()).isEmpty();
        // as a task does: the operator's pre-barrier hook, then the snapshot
        harness.prepareSnapshotPreBarrier(1);
        var snapshot = harness.snapshot(1, 5);
        List<JsonNode> beforeBarrier = results();
        assertThat(beforeBarrier).as("stepped before the barrier, so in the checkpoint's state").hasSize(3);
        harness.close();

        harness = harness(batched(100), m);
        harness.initializeState(snapshot);
        harness.open();
        send(second);
        harness.endAllInputs();

        List<JsonNode> all = new ArrayList<>(beforeBarrier);
        all.addAll(results());
        SourcedElement[] everything = {first[0], first[1], first[2], second[0], second[1]};
        assertSameResults(all, unbatchedResults(m, everything));
    }

    /**
     * Each stream's state advances on either state backend the job runs on: on the heap backend the
     * step's changes in place are the state; on RocksDB, which hands out copies, they must be written
     * back ({@link StreamStates}). The exact running sum lives in the state, so a lost write shows.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void everyStreamsStateAdvancesOnEitherStateBackend(String backend) throws Exception {
        SumModel m = sum(1, 6, 3);
        SourcedElement[] es = {value("a", 1, 10), value("b", 1, -4), value("a", 2, 20), value("b", 2, 5), value("a", 3, 30),
            end("b", 3), value("b", 4, 7)};
        harness = harness(unbatched().build(), m);
        if (backend.equals("rocksdb")) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        harness.open();
        send(es);

        List<JsonNode> out = results();
        assertThat(out.stream().map(r -> r.get("exact").asDouble())).containsExactly(10.0, -4.0, 30.0, 1.0, 60.0, 7.0);
        assertSameResults(out, unbatchedResults(m, es));
    }

    /**
     * On the heap backend a stream's state is changed in place and not written back
     * ({@link StreamStates}): a checkpoint whose state is still being written out when the task goes on
     * stepping must hold the states as they were at its barrier, or a restore would step twice.
     */
    @Test
    void stepsTakenWhileACheckpointIsWrittenOutDoNotReachIt() throws Exception {
        SumModel m = sum(1, 6, 3);
        SourcedElement[] before = {value("a", 1, 10), value("b", 1, -4), value("a", 2, 20)};
        SourcedElement[] during = {value("a", 3, 30), value("b", 2, 5), value("c", 1, 7)};
        SourcedElement[] after = {value("a", 4, 40), value("c", 2, 1)};
        open(unbatched().build(), m);
        send(before);
        // as a task checkpoints: the synchronous part at the barrier, then the state written out while it goes on
        OperatorSnapshotFutures inFlight = harness.getOperator().snapshotState(1, 5,
                CheckpointOptions.forCheckpointWithDefaultLocation(), new MemCheckpointStreamFactory(Integer.MAX_VALUE));
        send(during);
        OperatorSubtaskState snapshot = OperatorSnapshotFinalizer.create(inFlight).getJobManagerOwnedState();
        List<JsonNode> atBarrier = results().subList(0, before.length);
        harness.close();

        harness = harness(unbatched().build(), m);
        harness.initializeState(snapshot);
        harness.open();
        send(during);
        send(after);

        List<JsonNode> all = new ArrayList<>(atBarrier);
        all.addAll(results());
        assertSameResults(all, unbatchedResults(m, before[0], before[1], before[2], during[0], during[1], during[2], after[0], after[1]));
    }

    @Test
    void aRestoredSubtaskCountsTheStreamsItWasGivenAsActive() throws Exception {
        SumModel m = sum(1, 10, 3);
        open(unbatched().idleTimeout(IDLE).build(), m);
        send(value("a", 1, 1), value("b", 1, 2), value("c", 1, 3), end("c", 2));
        assertThat(activeStreams()).isEqualTo(2);
        var snapshot = harness.snapshot(1, 5);
        harness.close();

        harness = harness(unbatched().idleTimeout(IDLE).build(), m);
        harness.initializeState(snapshot);
        harness.open();
        assertThat(activeStreams()).as("the streams restored with their state").isEqualTo(2);
        send(end("a", 2), value("d", 1, 4));
        assertThat(activeStreams()).as("a ended, d begun").isEqualTo(2);
        harness.setProcessingTime(IDLE.toMillis() + 1);
        assertThat(activeStreams()).as("b and d expired").isZero();
    }

    @Test
    void aWatermarkAndANewVersionStepWhatWaitsFirst() throws Exception {
        TaggerModel v1 = tagger(1, 7);
        open(batched(100), v1);

        send(token("a", 1, "the"));
        harness.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(1));
        assertThat(results()).hasSize(1);

        send(token("b", 1, "the"));
        announce(announce(tagger(2, 99)));
        assertThat(results()).extracting(r -> r.get("version").asInt()).as("b1 came before v2").containsExactly(1, 1);
    }

    @Test
    void overARecordingAVersionAnnouncedLateStillAppliesOnlyFromItsOwnTime() throws Exception {
        TaggerModel v1 = tagger(1, 7);
        TaggerModel v2 = tagger(2, 99);
        // the broadcast side lags: the elements arrive before the announcement that precedes some of them
        open(unbatched().alignToEventTime(true).updatePolicy(UpdatePolicy.SWITCH).build(), v1);

        harness.processElement1(token("a", 1, "the"), 10);
        harness.processElement1(token("a", 2, "dog"), 20);
        harness.processElement1(token("b", 1, "cat"), 30);
        harness.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(40));
        assertThat(results()).as("input 2's watermark holds them back").isEmpty();
        harness.processElement2(announce(v2), 25);
        harness.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(40));

        assertThat(results()).extracting(r -> r.get("stream").asText() + r.get("seq").asInt() + "@v" + r.get("version").asInt())
                .containsExactlyInAnyOrder("a1@v1", "a2@v1", "b1@v2");
    }
}
