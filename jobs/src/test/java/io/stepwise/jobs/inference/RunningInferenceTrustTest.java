package io.stepwise.jobs.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.model.ModelFile;
import io.stepwise.model.TaggerModel;
import io.stepwise.modelstream.ModelSignatures;
import io.stepwise.modelstream.SigningKey;
import io.stepwise.modelstream.TrustedKeys;
import io.stepwise.wire.Element;
import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.ModelAnnouncement;
import io.stepwise.wire.SourcedElement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator with --trusted-keys and --model-uri-allow, on the harness: only versions a trusted key
 * signed, from allowed places, are served; every other one is rejected with its reason, the
 * rejected-versions metric and a dead letter, and the version before it keeps serving.
 */
class RunningInferenceTrustTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SigningKey OLD = SigningKey.generate();
    private static final SigningKey NEW = SigningKey.generate();
    private static final SigningKey STRANGER = SigningKey.generate();

    @TempDir
    Path dir;

    private KeyedTwoInputStreamOperatorTestHarness<String, SourcedElement, ModelAnnouncement, KeyedJson> harness;
    private long seq;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void open(ServingSettings.Builder settings) throws Exception {
        harness = RunningInferenceTest.harness(settings.batchSize(1).build(), null);
        harness.open();
    }

    private static ServingSettings.Builder trusting(SigningKey... keys) {
        byte[][] pub = new byte[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            pub[i] = keys[i].publicKey();
        }
        return ServingSettings.builder().trustedKeys(TrustedKeys.of(pub));
    }

    private static ModelAnnouncement signed(TaggerModel m, SigningKey key) {
        return ModelSignatures.sign(RunningInferenceTest.announce(m), key);
    }

    private void announce(ModelAnnouncement a) throws Exception {
        harness.processElement2(new StreamRecord<>(a));
    }

    /** The version that serves a new one-word sentence now. */
    private int serving() throws Exception {
        harness.processElement1(new StreamRecord<>(SourcedElement.of(Element.token("probe-" + seq, 1L, null, "dog"))));
        harness.processElement1(new StreamRecord<>(SourcedElement.of(Element.endOf("probe-" + seq++, 2L, null))));
        List<KeyedJson> out = new ArrayList<>(harness.extractOutputValues());
        return JSON.readTree(out.get(out.size() - 1).json()).get("version").asInt();
    }

    private List<String> rejections() throws Exception {
        List<String> out = new ArrayList<>();
        var side = harness.getSideOutput(InferenceJob.DEAD_LETTERS);
        if (side != null) {
            for (StreamRecord<KeyedJson> r : side) {
                JsonNode letter = JSON.readTree(r.getValue().json());
                out.add(letter.get("error").asText());
            }
        }
        return out;
    }

    private long rejectedMetric() {
        return ((RunningInference) harness.getOperator()).metrics().rejectedModels.getCount();
    }

    @Test
    void aForgedAnnouncementWithTheRightSha256IsRejectedWhileTheSignedOnesServe() throws Exception {
        open(trusting(NEW));
        announce(signed(RunningInferenceTest.tagger(1, 1), NEW));
        assertThat(serving()).isEqualTo(1);

        // the same file a publisher would announce, its SHA-256 right, but signed by a key the job does not trust,
        // once under the stranger's own id and once pretending to be the trusted key
        ModelAnnouncement forged = signed(RunningInferenceTest.tagger(2, 2), STRANGER);
        announce(forged);
        announce(forged.withSignature(forged.signature(), NEW.keyId()));
        announce(RunningInferenceTest.announce(RunningInferenceTest.tagger(2, 2)));

        assertThat(serving()).as("the previous version keeps serving").isEqualTo(1);
        assertThat(rejections()).containsExactly(
                "model announcement rejected: model tagger v2 is signed by key " + STRANGER.keyId().substring(0, 16)
                        + "…, which is not one of the 1 trusted keys (--trusted-keys)",
                "model announcement rejected: model tagger v2: the signature of trusted key " + NEW.keyId().substring(0, 16)
                        + "… does not verify: the model name, version or file SHA-256 differ from what was signed (a forged, altered "
                        + "or replayed announcement)",
                "model announcement rejected: model tagger v2 is not signed, and this job accepts only versions signed by one of "
                        + "its 1 trusted keys (--trusted-keys)");
        assertThat(rejectedMetric()).isEqualTo(3);

        announce(signed(RunningInferenceTest.tagger(3, 3), NEW));
        assertThat(serving()).isEqualTo(3);
        assertThat(rejectedMetric()).isEqualTo(3);
    }

    @Test
    void aSignedVersionReplayedUnderAHigherVersionIsRejected() throws Exception {
        open(trusting(NEW));
        ModelAnnouncement v1 = signed(RunningInferenceTest.tagger(1, 1), NEW);
        announce(v1);

        announce(new ModelAnnouncement("tagger", 7, v1.sha256(), null, v1.inline(), null, v1.signature(), v1.keyId()));

        assertThat(serving()).isEqualTo(1);
        assertThat(rejections()).singleElement().asString().startsWith("model announcement rejected: model tagger v7: the signature of "
                + "trusted key").contains("does not verify");
    }

    @Test
    void withTwoTrustedKeysVersionsSignedByEitherServe() throws Exception {
        open(trusting(OLD, NEW));

        announce(signed(RunningInferenceTest.tagger(1, 1), OLD));
        assertThat(serving()).isEqualTo(1);
        announce(signed(RunningInferenceTest.tagger(2, 2), NEW));
        assertThat(serving()).isEqualTo(2);
        announce(signed(RunningInferenceTest.tagger(3, 3), OLD));
        assertThat(serving()).isEqualTo(3);

        assertThat(rejections()).isEmpty();
    }

    @Test
    void aUriOutsideTheAllowedFoldersIsRejectedAndOneInsideServes() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        TaggerModel v2 = RunningInferenceTest.tagger(2, 2);
        byte[] file = ModelFile.toBytes(v2);
        Path v2File = Files.write(models.resolve("tagger-v2.stepwise"), file);
        open(ServingSettings.builder().allowModelUri(models.toString()));
        announce(RunningInferenceTest.announce(RunningInferenceTest.tagger(1, 1)));

        announce(ModelAnnouncement.at("tagger", 2, "file:///etc/passwd", ModelFile.sha256Hex(file)));
        announce(ModelAnnouncement.at("tagger", 2, models.toUri() + "../../../../etc/passwd", ModelFile.sha256Hex(file)));
        assertThat(serving()).isEqualTo(1);
        assertThat(rejections()).containsExactly(
                "model announcement rejected: model URI file:///etc/passwd is outside the allowed model locations ["
                        + models.toUri() + "] (--model-uri-allow)",
                "model announcement rejected: model URI '" + models.toUri() + "../../../../etc/passwd' climbs out of its folder with '..'");

        announce(ModelAnnouncement.at("tagger", 2, v2File.toUri().toString(), ModelFile.sha256Hex(file)));
        assertThat(serving()).isEqualTo(2);
        assertThat(rejectedMetric()).isEqualTo(2);
    }

    @Test
    void withoutAnAllowedFolderOnlyInlineVersionsAreServed() throws Exception {
        open(ServingSettings.builder());
        announce(RunningInferenceTest.announce(RunningInferenceTest.tagger(1, 1)));

        announce(ModelAnnouncement.at("tagger", 2, "file:///etc/passwd", "a".repeat(64)));

        assertThat(serving()).isEqualTo(1);
        assertThat(rejections()).singleElement().asString().contains("this job allows no model locations");
    }
}
