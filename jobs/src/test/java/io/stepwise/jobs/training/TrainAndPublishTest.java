package io.stepwise.jobs.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelKind;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.TaggerShape;
import io.stepwise.model.Vocabulary;
import io.stepwise.model.ModelLimits;
import io.stepwise.modelstream.ModelAdmission;
import io.stepwise.modelstream.ModelLocations;
import io.stepwise.modelstream.ModelSignatures;
import io.stepwise.modelstream.ModelVersionLoader;
import io.stepwise.modelstream.SigningKey;
import io.stepwise.modelstream.TrustedKeys;
import io.stepwise.train.SumEvaluation;
import io.stepwise.train.TaggerEvaluation;
import io.stepwise.train.TaggerTrainer;
import io.stepwise.train.TrainingListener;
import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.LabelledExample;
import io.stepwise.wire.ModelAnnouncement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer on Flink's keyed operator test harness: real keyed state, real timers, real model
 * files. Scores are checked against an evaluation computed here from the held-out examples.
 */
class TrainAndPublishTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path models;

    private KeyedOneInputStreamOperatorTestHarness<String, LabelledExample, KeyedJson> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    /** A tagger that knows three words and three tags, with random weights: easy to beat. */
    private static TaggerModel untrainedTagger(int version) {
        return new TaggerModel(new ModelMeta("tagger", version, Map.of("data", "nothing", "attribution", "nobody")),
                Vocabulary.withUnknown(List.of("the", "dog", "ate")), Vocabulary.closed(List.of("DET", "NOUN", "VERB")), 6, 10, 1)
                .initRandom(5);
    }

    private TrainingSettings.Builder tagger(Model start) {
        return TrainingSettings.builder().withoutKafka().kind(ModelKind.TAGGER).name("tagger").modelDir(models.toUri().toString())
                .startModel(start == null ? null : ModelFile.toBytes(start))
                .embeddingDim(6).hiddenSize(10).numLayers(1).batchSize(8).learningRate(0.02).minCount(2)
                .roundEpochs(20).roundBudget(Duration.ofMinutes(1)).evalFraction(0.25).publishEvery(60);
    }

    private void open(TrainingSettings options, OperatorSubtaskState restored) throws Exception {
        TrainingJob.ModelName key = new TrainingJob.ModelName(options.name());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new TrainAndPublish(options)), key, Types.STRING);
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
    }

    private void send(List<LabelledExample> examples) throws Exception {
        for (LabelledExample e : examples) {
            harness.processElement(new StreamRecord<>(e));
        }
    }

    private List<ModelAnnouncement> announcements() throws Exception {
        List<ModelAnnouncement> out = new ArrayList<>();
        for (KeyedJson k : harness.extractOutputValues()) {
            ModelAnnouncement a = ModelAnnouncement.parse(k.json());
            assertThat(k.key()).as("announcements are keyed by model name").isEqualTo(a.model());
            out.add(a);
        }
        return out;
    }

    /** What the inference job's loader makes of {@code a}, allowed to read the model folder. */
    private ModelVersionLoader.Loaded load(ModelAnnouncement a) throws Exception {
        return ModelVersionLoader.load(a, new ModelAdmission(null, ModelLocations.of(List.of(models.toString())), ModelLimits.DEFAULTS));
    }

    /** The examples among {@code sent} (in arrival order from index 0) that the options hold out, or the others. */
    private static List<LabelledExample> split(TrainingSettings o, List<LabelledExample> sent, boolean heldOut) {
        List<LabelledExample> out = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            if (o.heldOut(i) == heldOut) {
                out.add(sent.get(i));
            }
        }
        return out;
    }

    @Test
    void everyNExamplesARoundPublishesABetterVersionWithItsFileAndItsScores() throws Exception {
        TaggerModel v1 = untrainedTagger(1);
        TrainingSettings o = tagger(v1).build();
        open(o, null);
        List<LabelledExample> examples = ToyLanguage.sentences(60, 1);

        send(examples.subList(0, 59));
        assertThat(announcements()).as("no round before the 60th example").isEmpty();
        send(examples.subList(59, 60));

        List<ModelAnnouncement> out = announcements();
        assertThat(out).hasSize(1);
        ModelAnnouncement a = out.get(0);
        assertThat(a.model()).isEqualTo("tagger");
        assertThat(a.version()).as("the version after the starting model's").isEqualTo(2);
        assertThat(a.uri()).startsWith("file:///").endsWith("tagger-v2.stepwise");
        // the inference job's own loader accepts it: SHA-256, file checksum, name and version
        TaggerModel v2 = (TaggerModel) load(a).model();

        List<LabelledExample> heldOut = split(o, examples, true);
        assertThat(heldOut).isNotEmpty();
        var sentences = heldOut.stream().map(LabelledExample::taggedSentence).toList();
        JsonNode eval = JSON.readTree(a.eval());
        assertThat(eval.get("metric").asText()).isEqualTo("accuracy");
        assertThat(eval.get("accuracy").asDouble()).isEqualTo(TaggerEvaluation.accuracy(v2, sentences).value());
        assertThat(eval.get("serving_version").asInt()).isEqualTo(1);
        assertThat(eval.get("serving_accuracy").asDouble()).isEqualTo(TaggerEvaluation.accuracy(v1, sentences).value());
        assertThat(eval.get("accuracy").asDouble()).isGreaterThan(eval.get("serving_accuracy").asDouble());
        assertThat(eval.get("held_out").asInt()).isEqualTo(heldOut.size());
        assertThat(eval.get("trained_on").asInt()).isEqualTo(60 - heldOut.size());

        assertThat((JsonNode) JSON.valueToTree(v2.meta().provenance().get("eval"))).as("the scores travel in the provenance too").isEqualTo(eval);
        assertThat(v2.meta().provenance()).containsEntry("attribution", "nobody").containsEntry("base_data", "nothing")
                .containsEntry("previous_version", "tagger v1");
        // new words and tags of the examples grew the vocabulary; the old entries keep their indices
        assertThat(v2.words().entries().subList(0, 4)).containsExactly("<unk>", "the", "dog", "ate");
        assertThat(v2.words().entries()).contains("cat", "apple", "red", "saw");
        assertThat(v2.tags().entries()).startsWith("DET", "NOUN", "VERB").contains("ADJ");
    }

    @Test
    void aStreamingTaggerIsFineTunedKeepingItsCharacterFeaturesAndItsDelay() throws Exception {
        TaggerShape shape = new TaggerShape(6, 10, 1, 4, 5, 12, 2, true);
        Vocabulary letters = Vocabulary.withUnknown(List.of("t", "h", "e", "d", "o", "g", "a"));
        TaggerModel v1 = new TaggerModel(new ModelMeta("tagger", 1, Map.of()), Vocabulary.withUnknown(List.of("the", "dog", "ate")),
                Vocabulary.closed(List.of("DET", "NOUN", "VERB")), letters, shape).initRandom(5);
        TrainingSettings o = tagger(v1).build();
        open(o, null);
        List<LabelledExample> examples = ToyLanguage.sentences(60, 1);

        send(examples);

        List<ModelAnnouncement> out = announcements();
        assertThat(out).hasSize(1);
        TaggerModel v2 = (TaggerModel) load(out.get(0)).model();
        assertThat(v2.shape()).as("the round keeps the architecture it was given").isEqualTo(shape);
        assertThat(v2.characters().characters().entries()).as("the character vocabulary stays").isEqualTo(letters.entries());
        assertThat(v2.words().entries()).startsWith("<unk>", "the", "dog", "ate").contains("cat", "apple", "red");
        var sentences = split(o, examples, true).stream().map(LabelledExample::taggedSentence).toList();
        assertThat(TaggerEvaluation.accuracy(v2, sentences).value()).isGreaterThan(TaggerEvaluation.accuracy(v1, sentences).value());
    }

    @Test
    void theServingVersionIsScoredAsItWasNotAsTrainingLeftIt() throws Exception {
        // every word and tag already known: the vocabulary does not grow, so training could touch the serving weights
        List<LabelledExample> examples = ToyLanguage.sentences(60, 7);
        List<String> words = new ArrayList<>();
        examples.forEach(e -> java.util.Arrays.stream(e.tokens()).filter(w -> !words.contains(w)).forEach(words::add));
        TaggerModel v1 = new TaggerModel(new ModelMeta("tagger", 1, Map.of()), Vocabulary.withUnknown(words),
                Vocabulary.closed(List.of("ADJ", "ADV", "DET", "NOUN", "VERB")), 6, 10, 1).initRandom(8);
        TaggerModel v1Copy = (TaggerModel) ModelFile.fromBytes(ModelFile.toBytes(v1), "copy");
        TrainingSettings o = tagger(v1).build();
        open(o, null);

        send(examples);

        ModelAnnouncement a = announcements().get(0);
        TaggerModel v2 = (TaggerModel) load(a).model();
        assertThat(v2.words()).isEqualTo(v1.words());
        var heldOut = split(o, examples, true).stream().map(LabelledExample::taggedSentence).toList();
        assertThat(JSON.readTree(a.eval()).get("serving_accuracy").asDouble()).isEqualTo(TaggerEvaluation.accuracy(v1Copy, heldOut).value());
    }

    @Test
    void aRoundThatDoesNotBeatTheServingVersionPublishesNothing() throws Exception {
        // a serving version that already tags the toy language perfectly can at best be tied
        TaggerTrainer t = new TaggerTrainer(TaggerTrainer.Settings.builder().embeddingDim(6).hiddenSize(10).batchSize(8).epochs(40)
                .learningRate(0.02).minCount(1).build());
        var corpus = ToyLanguage.sentences(300, 9).stream().map(LabelledExample::taggedSentence).toList();
        TaggerModel perfect = t.train(new ModelMeta("tagger", 4, Map.of()), corpus, List.of(), TrainingListener.NONE).model();
        TrainingSettings o = tagger(perfect).roundEpochs(1).batchSize(8).learningRate(1e-4).minCount(1).build();
        List<LabelledExample> examples = ToyLanguage.sentences(60, 2);
        assertThat(TaggerEvaluation.accuracy(perfect, split(o, examples, true).stream().map(LabelledExample::taggedSentence).toList()).value())
                .as("precondition: the serving version is perfect on the held-out examples").isEqualTo(1.0);
        open(o, null);

        send(examples);

        assertThat(announcements()).isEmpty();
    }

    @Test
    void withPublishAlwaysEveryRoundPublishesAndVersionNumbersContinueAfterARestore() throws Exception {
        TrainingSettings o = tagger(untrainedTagger(1)).publish(TrainingSettings.Publish.ALWAYS).publishEvery(20).roundEpochs(2).build();
        List<LabelledExample> examples = ToyLanguage.sentences(60, 3);
        open(o, null);
        send(examples.subList(0, 40));
        assertThat(announcements()).extracting(ModelAnnouncement::version).containsExactly(2, 3);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        open(o, snapshot);
        send(examples.subList(40, 60));

        ModelAnnouncement a = announcements().get(0);
        assertThat(a.version()).as("numbering goes on from the restored state, not from the starting model").isEqualTo(4);
        Model v4 = load(a).model();
        // the restored examples are trained on too: all 60 are kept
        assertThat(JSON.readTree(a.eval()).get("trained_on").asInt() + JSON.readTree(a.eval()).get("held_out").asInt()).isEqualTo(60);
        assertThat(v4.meta().provenance()).containsEntry("previous_version", "tagger v3");
    }

    @Test
    void aTimedScheduleTrainsWhenTheIntervalHasPassedSinceTheFirstNewExample() throws Exception {
        TrainingSettings o = tagger(untrainedTagger(1)).publishEvery(Duration.ofMinutes(1)).build();
        open(o, null);
        harness.setProcessingTime(1_000);
        send(ToyLanguage.sentences(30, 4));
        harness.setProcessingTime(60_999);
        assertThat(announcements()).isEmpty();

        harness.setProcessingTime(61_000);

        assertThat(announcements()).extracting(ModelAnnouncement::version).containsExactly(2);
        harness.setProcessingTime(200_000);
        assertThat(announcements()).as("no new examples, no new round").hasSize(1);
    }

    @Test
    void withASigningKeyEveryPublishedVersionIsSignedForTheInferenceJobsThatTrustIt() throws Exception {
        SigningKey key = SigningKey.generate();
        TrainingSettings o = tagger(untrainedTagger(1)).signingKey(key).build();
        open(o, null);

        send(ToyLanguage.sentences(60, 1));

        ModelAnnouncement a = announcements().get(0);
        assertThat(a.keyId()).isEqualTo(key.keyId());
        assertThat(ModelSignatures.refusal(a, TrustedKeys.of(key.publicKey()))).isNull();
        assertThat(ModelSignatures.refusal(a, TrustedKeys.of(SigningKey.generate().publicKey()))).contains("not one of the 1 trusted keys");
        assertThat(ModelVersionLoader.load(a, new ModelAdmission(TrustedKeys.of(key.publicKey()),
                ModelLocations.of(List.of(models.toString())), ModelLimits.DEFAULTS)).model().version()).isEqualTo(2);
        assertThat(o.toString()).as("the settings never show the key").doesNotContain(key.pem().substring(30, 60));
    }

    @Test
    void theSigningKeyOptionReadsTheKeyFileStepwiseKeysGenerateWrites() throws Exception {
        SigningKey written = SigningKey.writeNew(models.resolve("keys"));

        TrainingSettings s = TrainingSettings.parse(new String[]{"--bootstrap", "broker:9092", "--kind", "tagger", "--signing-key",
            models.resolve("keys").resolve(SigningKey.PRIVATE_FILE).toString()});

        assertThat(s.signingKey().keyId()).isEqualTo(written.keyId());
        assertThat(s.forTrainer().signingKey()).as("the trainer signs, so it keeps the key").isNotNull();
        assertThat(TrainingSettings.usage("train")).contains("--signing-key FILE");
    }

    @Test
    void withoutAStartingModelTheFirstRoundPublishesVersionOneOfANewModel() throws Exception {
        TrainingSettings o = TrainingSettings.builder().withoutKafka().kind(ModelKind.SUM).name("meter-sum").modelDir(models.toUri().toString())
                .embeddingDim(1).hiddenSize(8).batchSize(16).learningRate(1e-2).minCount(1).roundEpochs(3).evalFraction(0.2)
                .publishEvery(50).build();
        open(o, null);
        List<LabelledExample> examples = ToyLanguage.sums(50, 5);

        send(examples);

        ModelAnnouncement a = announcements().get(0);
        assertThat(a.version()).isEqualTo(1);
        SumModel v1 = (SumModel) load(a).model();
        assertThat(v1.name()).isEqualTo("meter-sum");
        assertThat(v1.lstmConfig().hiddenSize()).isEqualTo(8);
        JsonNode eval = JSON.readTree(a.eval());
        assertThat(eval.get("metric").asText()).isEqualTo("rmse");
        var heldOut = split(o, examples, true).stream().map(LabelledExample::sumSequence).toList();
        assertThat(eval.get("rmse").asDouble()).isEqualTo(SumEvaluation.fit(v1, heldOut).rmse());
        assertThat(eval.has("serving_version")).as("nothing served before").isFalse();
    }

    @Test
    void theKeptExamplesAreTheLatestMaxExamples() throws Exception {
        TrainingSettings o = tagger(untrainedTagger(1)).maxExamples(25).publish(TrainingSettings.Publish.ALWAYS).publishEvery(60).build();
        open(o, null);

        send(ToyLanguage.sentences(60, 6));

        JsonNode eval = JSON.readTree(announcements().get(0).eval());
        assertThat(eval.get("trained_on").asInt() + eval.get("held_out").asInt()).isEqualTo(25);
    }

    @Test
    void aStartingModelOfTheOtherKindIsRefused() {
        SumModel sum = new SumModel(new ModelMeta("sum", 1, Map.of()), 4, 1, 100f, 100f).initRandom(1);
        assertThatThrownBy(() -> new TrainAndPublish(tagger(sum).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sum model");
    }
}
