package io.stepwise.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.e2e.EmbeddedKafkaExtension;
import io.stepwise.e2e.Workloads;
import io.stepwise.jobs.inference.InferenceSettings;
import io.stepwise.jobs.inference.KafkaInference;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.predict.OfflinePredictor;
import io.stepwise.wire.Element;
import io.stepwise.wire.ElementCodec;
import io.stepwise.wire.Result;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bad-input catalogue of elements (README, "Bad input"): every kind of bad element record below,
 * produced as raw bytes to a real broker between the valid records of several streams, in one run of
 * the inference job (a tagger and a sum model, two pipelines of one Flink job). Each bad record gets
 * exactly one dead letter with its reason and its coordinates and no result; the valid streams get
 * exactly the results offline prediction gives for them alone, JSON for JSON.
 */
class ElementsCatalogueTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final long T0 = 1_764_390_000_000L;

    /** Which model's input topic a bad record goes to. */
    private enum To { TAGGER, SUM }

    private record Row(To to, BadInput bad) {
        @Override
        public String toString() {
            return bad.name();
        }
    }

    private static Row tagger(String name, String json, String reason) {
        return new Row(To.TAGGER, BadInput.json(name, json, reason));
    }

    private static Row sum(String name, String json, String reason) {
        return new Row(To.SUM, BadInput.json(name, json, reason));
    }

    /** A token whose text holds {@code bad}, bytes that are not UTF-8: the reason names the first of them. */
    private static Row notUtf8(String name, String before, byte[] bad, String after) {
        byte[] value = BadInput.spliced(before, bad, after);
        return new Row(To.TAGGER, BadInput.bytes(name, value,
                "the value is not valid UTF-8 (byte " + before.getBytes(StandardCharsets.UTF_8).length + " of " + value.length + ")"));
    }

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    /**
     * The catalogue. Where a kind allows it, a bad record names a valid stream and a seq beyond that
     * stream's (1000): taken as valid, it would give a result and make the stream drop the rest of its
     * elements as duplicates.
     */
    static List<Row> rows() {
        String tenMegabytes = "{\"stream\":\"chat-1\",\"seq\":1000,\"token\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}";
        String deep10000 = "{\"stream\":\"chat-2\",\"seq\":1000,\"token\":\"dog\",\"meta\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        String deep5000 = "{\"stream\":\"chat-2\",\"seq\":1000,\"token\":\"dog\",\"meta\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
        String longId = "s".repeat(ElementCodec.MAX_STREAM_CHARS + 1);
        List<Row> rows = new ArrayList<>(List.of(
                tagger("not JSON", "dog", "not JSON: Unrecognized token 'dog'"),
                tagger("empty value", "", "empty record: the value is empty"),
                new Row(To.TAGGER, BadInput.bytes("null value (tombstone)", null, "empty record: the value is null (a tombstone)")),
                tagger("white space only", " \t\n ", "empty record: the value is only white space"),
                notUtf8("invalid UTF-8: lone continuation byte", "{\"stream\":\"chat-0\",\"seq\":1000,\"token\":\"d", bytes(0x80), "g\"}"),
                notUtf8("invalid UTF-8: overlong encoding of '/'", "{\"stream\":\"chat-0\",\"seq\":1000,\"token\":\"a", bytes(0xC0, 0xAF), "b\"}"),
                notUtf8("invalid UTF-8: sequence cut short", "{\"stream\":\"chat-0\",\"seq\":1000,\"token\":\"d", bytes(0xE2, 0x82), "g\"}"),
                notUtf8("invalid UTF-8: encoded surrogate", "{\"stream\":\"chat-0\",\"seq\":1000,\"token\":\"d", bytes(0xED, 0xA0, 0x80), "g\"}"),
                notUtf8("invalid UTF-8: byte 0xFF", "{\"stream\":\"chat-0\",\"seq\":1000,\"token\":\"", bytes(0xFF), "\"}"),
                notUtf8("invalid UTF-8 in the stream id", "{\"stream\":\"chat-", bytes(0xFE), "\",\"seq\":1000,\"token\":\"dog\"}"),
                tagger("NUL byte inside a token", "{\"stream\":\"chat-1\",\"seq\":1000,\"token\":\"d\u0000g\"}",
                        "not JSON: Illegal unquoted character ((CTRL-CHAR, code 0))"),
                tagger("NUL byte between fields", "{\"stream\":\"chat-1\",\"seq\":1000,\u0000\"token\":\"dog\"}",
                        "not JSON: Illegal character ((CTRL-CHAR, code 0))"),
                tagger("10 MB record", tenMegabytes, "record of " + tenMegabytes.length() + " characters exceeds " + ElementCodec.MAX_RECORD_CHARS),
                tagger("nesting 10,000 deep", deep10000, "record of " + deep10000.length() + " characters exceeds " + ElementCodec.MAX_RECORD_CHARS),
                tagger("nesting 5,000 deep, within the size limit", deep5000, "JSON nested more than 1000 levels deep, the limit"),
                tagger("stream is a number", "{\"stream\":7,\"seq\":1000,\"token\":\"dog\"}", "'stream' must be a string, got NUMBER 7"),
                tagger("token is a number", "{\"stream\":\"chat-3\",\"seq\":1000,\"token\":5}", "'token' must be a string, got NUMBER 5"),
                tagger("token is an array", "{\"stream\":\"chat-3\",\"seq\":1000,\"token\":[\"dog\"]}", "'token' must be a string, got ARRAY"),
                sum("value is a string", "{\"stream\":\"meter-1\",\"seq\":1000,\"value\":\"12\"}", "'value' must be a number, got STRING \"12\""),
                tagger("seq is a string", "{\"stream\":\"chat-3\",\"seq\":\"1000\",\"token\":\"dog\"}", "'seq' must be an integer, got STRING \"1000\""),
                tagger("ts is a boolean", "{\"stream\":\"chat-3\",\"seq\":1000,\"ts\":true,\"token\":\"dog\"}", "'ts' must be an integer, got BOOLEAN true"),
                tagger("end is a string", "{\"stream\":\"chat-4\",\"seq\":1000,\"end\":\"yes\"}", "'end' must be true or false, got STRING \"yes\""),
                tagger("missing stream", "{\"seq\":1000,\"token\":\"dog\"}", "missing 'stream'"),
                tagger("missing token and value", "{\"stream\":\"chat-4\",\"seq\":1000}", "an element needs a 'token' or a 'value'"),
                sum("both token and value", "{\"stream\":\"meter-2\",\"seq\":1000,\"token\":\"dog\",\"value\":3}", "an element has a token or a value, not both"),
                tagger("end marker with a token", "{\"stream\":\"chat-4\",\"seq\":1000,\"end\":true,\"token\":\"dog\"}",
                        "an end marker carries neither token nor value"),
                tagger("empty stream id", "{\"stream\":\"\",\"seq\":1000,\"token\":\"dog\"}", "'stream' is empty"),
                tagger("white-space stream id", "{\"stream\":\"  \\t \",\"seq\":1000,\"token\":\"dog\"}", "'stream' is only white space"),
                tagger("empty token", "{\"stream\":\"chat-5\",\"seq\":1000,\"token\":\"\"}", "'token' is empty"),
                sum("negative seq", "{\"stream\":\"meter-3\",\"seq\":-1,\"value\":3}", "'seq' must not be negative, got -1"),
                sum("seq past 2^63", "{\"stream\":\"meter-3\",\"seq\":9223372036854775808,\"value\":3}",
                        "'seq' 9223372036854775808 is larger than 9223372036854775807"),
                sum("fractional seq", "{\"stream\":\"meter-3\",\"seq\":1000.5,\"value\":3}", "'seq' must be an integer, got NUMBER 1000.5"),
                sum("value 1e309", "{\"stream\":\"meter-4\",\"seq\":1000,\"value\":1e309}", "'value' 1e309 is not finite"),
                sum("NaN literal", "{\"stream\":\"meter-4\",\"seq\":1000,\"value\":NaN}", "'NaN': NaN and Infinity are not JSON numbers"),
                sum("Infinity literal", "{\"stream\":\"meter-4\",\"seq\":1000,\"value\":-Infinity}", "'-Infinity': NaN and Infinity are not JSON numbers"),
                sum("value beyond 1e9", "{\"stream\":\"meter-4\",\"seq\":1000,\"value\":1e10}", "'value' 1.0E10 is beyond +-1.0E9"),
                sum("a field given twice", "{\"stream\":\"meter-5\",\"seq\":1000,\"value\":1,\"value\":2}", "'value' is given twice"),
                tagger("trailing characters", "{\"stream\":\"chat-5\",\"seq\":1000,\"token\":\"dog\"}}", "trailing characters after the JSON object"),
                tagger("a JSON array", "[{\"stream\":\"chat-5\",\"seq\":1000,\"token\":\"dog\"}]", "not a JSON object: ARRAY"),
                tagger("a JSON string", "\"dog\"", "not a JSON object: STRING \"dog\""),
                tagger("cut off in the middle", "{\"stream\":\"chat-5\",\"seq\":1000,\"tok", "not JSON: Unexpected end-of-input"),
                tagger("byte-order mark first", "\uFEFF{\"stream\":\"chat-5\",\"seq\":1000,\"token\":\"dog\"}", "not JSON: Unexpected character ('\uFEFF' (code 65279"),
                sum("a token sent to the sum model", "{\"stream\":\"meter-5\",\"seq\":1000,\"token\":\"dog\"}", "model sum sums numbers and takes values; got a token"),
                tagger("a value sent to the tagger", "{\"stream\":\"chat-5\",\"seq\":1000,\"value\":3}", "model tagger is a tagger and takes tokens; got a value"),
                tagger("stream id over 256 characters", "{\"stream\":\"" + longId + "\",\"seq\":1,\"token\":\"dog\"}",
                        "'stream' of " + longId.length() + " characters exceeds " + ElementCodec.MAX_STREAM_CHARS)));
        return rows;
    }

    /** A record to produce: the topic, key and value, and the catalogue row it is (null for a valid one). */
    private record Planned(String topic, String key, byte[] value, Row row) {
    }

    @TestFactory
    Stream<DynamicTest> everyBadElementIsDeadLetteredWithItsReasonAndTheValidStreamsAroundItAreUntouched() throws Exception {
        Model taggerModel = Workloads.tagger(1, 41);
        Model sumModel = Workloads.sum(1, 43);
        List<Element> chats = timed(Workloads.sentences(6, 3, 1, 51));
        List<Element> meters = timed(Workloads.numbers(6, 12, 1, 53));
        String bootstrap = KAFKA.bootstrapServers();
        InferenceSettings tagging = settings(bootstrap, "elements-tagger", taggerModel);
        InferenceSettings summing = settings(bootstrap, "elements-sum", sumModel);
        RawKafka.createTopics(bootstrap, 2, tagging.inputTopic(), summing.inputTopic());

        // the bad records at seeded places among the valid ones of their topic, each under the key of a valid stream
        List<Row> rows = rows();
        List<Planned> plan = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(61);
        List<Planned> taggerPlan = valid(tagging.inputTopic(), chats);
        List<Planned> sumPlan = valid(summing.inputTopic(), meters);
        for (Row r : rows) {
            List<Planned> into = r.to() == To.TAGGER ? taggerPlan : sumPlan;
            String topic = r.to() == To.TAGGER ? tagging.inputTopic() : summing.inputTopic();
            String key = (r.to() == To.TAGGER ? "chat-" : "meter-") + rng.nextInt(6);
            into.add(1 + rng.nextInt(into.size()), new Planned(topic, key, r.bad().value(), r));
        }
        plan.addAll(taggerPlan);
        plan.addAll(sumPlan);
        List<RecordMetadata> landed = RawKafka.send(bootstrap, plan.stream()
                .map(p -> new ProducerRecord<>(p.topic(), p.key().getBytes(StandardCharsets.UTF_8), p.value())).toList());

        StreamExecutionEnvironment env = Catalogue.environment(2);
        KafkaInference.configure(env, tagging, "tagger-");
        KafkaInference.configure(env, summing, "sum-");
        env.execute("elements catalogue");

        Map<String, String> taggerResults = byStreamAndSeq(RawKafka.readAll(bootstrap, tagging.outputTopic(), expected(taggerModel, chats).size()));
        Map<String, String> sumResults = byStreamAndSeq(RawKafka.readAll(bootstrap, summing.outputTopic(), expected(sumModel, meters).size()));
        long taggerRows = rows.stream().filter(r -> r.to() == To.TAGGER).count();
        List<ConsumerRecord<String, String>> letters = new ArrayList<>(RawKafka.readAll(bootstrap, tagging.deadLetterTopic(), (int) taggerRows));
        letters.addAll(RawKafka.readAll(bootstrap, summing.deadLetterTopic(), rows.size() - (int) taggerRows));
        DeadLetters dead = DeadLetters.of(letters);

        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            Planned p = plan.get(i);
            RecordMetadata at = landed.get(i);
            if (p.row() != null) {
                tests.add(dynamicTest(p.row().bad().name(), () -> dead.assertOneFor(p.row().bad(), p.topic(), at.partition(), at.offset())));
            }
        }
        tests.add(dynamicTest("one dead letter per bad record and none for a valid one",
                () -> assertThat(dead.count()).isEqualTo(rows.size())));
        tests.add(dynamicTest("the tagger's valid streams get what they get alone",
                () -> assertThat(taggerResults).isEqualTo(expected(taggerModel, chats))));
        tests.add(dynamicTest("the sum model's valid streams get what they get alone",
                () -> assertThat(sumResults).isEqualTo(expected(sumModel, meters))));
        return tests.stream();
    }

    private static InferenceSettings settings(String bootstrap, String name, Model model) {
        InferenceSettings.Builder b = InferenceSettings.builder().bootstrap(bootstrap).inputTopic(name + "-in")
                .outputTopic(name + "-out").modelTopic(name + "-models").initialModel(ModelFile.toBytes(model));
        b.kafka().groupId(name).checkpointInterval(Duration.ofMillis(500)).bounded(true);
        return b.build();
    }

    /** The elements with event times of their own, so that a result's JSON does not depend on when it was produced. */
    private static List<Element> timed(List<Element> elements) {
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            Element e = elements.get(i);
            out.add(new Element(e.stream(), e.seq(), T0 + i, e.token(), e.value(), e.end()));
        }
        return out;
    }

    private static List<Planned> valid(String topic, List<Element> elements) {
        List<Planned> out = new ArrayList<>();
        for (Element e : elements) {
            out.add(new Planned(topic, e.stream(), ElementCodec.write(e).getBytes(StandardCharsets.UTF_8), null));
        }
        return out;
    }

    /** What {@code model} gives the valid elements alone, offline: each result's JSON by stream and seq. */
    private static Map<String, String> expected(Model model, List<Element> valid) {
        Map<String, String> out = new HashMap<>();
        for (Result r : new OfflinePredictor(model).predict(valid).results()) {
            out.put(r.stream() + "#" + r.seq(), r.toJson());
        }
        return out;
    }

    private static Map<String, String> byStreamAndSeq(List<ConsumerRecord<String, String>> records) {
        Map<String, String> out = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            JsonNode n = DeadLetters.read(r.value());
            String key = n.path("stream").asText() + "#" + n.path("seq").asLong();
            assertThat(out.put(key, r.value())).as("result %s appears once", key).isNull();
        }
        return out;
    }
}
