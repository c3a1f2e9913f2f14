package io.stepwise.modelstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.wire.InvalidElementException;
import io.stepwise.wire.ModelAnnouncement;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A signature binds a model file to the name and version it is announced under, for the keys a job trusts. */
class ModelSignaturesTest {

    private static final SigningKey OLD = SigningKey.generate();
    private static final SigningKey NEW = SigningKey.generate();
    private static final SigningKey STRANGER = SigningKey.generate();

    private static ModelAnnouncement announcement(String name, int version) {
        return announcement(name, version, 3);
    }

    private static ModelAnnouncement announcement(String name, int version, int hidden) {
        byte[] file = ModelFile.toBytes(new SumModel(new ModelMeta(name, version, Map.of()), hidden, 1, 10f, 10f).initRandom(version));
        return ModelAnnouncement.inline(name, version, file, ModelFile.sha256Hex(file));
    }

    @Test
    void theSignedMessageIsTheDocumentedOne() {
        String sha = "ab".repeat(32);

        assertThat(new String(ModelSignatures.message("tagger", 7, sha), StandardCharsets.UTF_8))
                .isEqualTo("stepwise-model-signature-v1\nmodel=tagger\nversion=7\nsha256=" + sha + "\n");
    }

    @Test
    void aSignedAnnouncementVerifiesAndSurvivesTheWire() throws Exception {
        ModelAnnouncement signed = ModelSignatures.sign(announcement("sum", 3), NEW);

        ModelAnnouncement read = ModelAnnouncement.parse(signed.toJson());

        assertThat(read).isEqualTo(signed);
        assertThat(read.keyId()).isEqualTo(NEW.keyId());
        assertThat(signed.toJson()).contains("\"sha256\":\"" + signed.sha256() + "\",\"signature\":\"", "\"key_id\":\"" + NEW.keyId() + "\"");
        assertThat(ModelSignatures.refusal(read, TrustedKeys.of(NEW.publicKey()))).isNull();
        // the evaluation figures a trainer adds are not signed, and do not disturb the signature
        assertThat(ModelSignatures.refusal(read.withEval("{\"accuracy\":0.9}"), TrustedKeys.of(NEW.publicKey()))).isNull();
    }

    @Test
    void aMalformedSignatureOrKeyIdIsRefusedByTheParserAndAFirstFormatReaderIgnoresBoth() throws Exception {
        String signed = ModelSignatures.sign(announcement("sum", 3), NEW).toJson();
        String badSignature = signed.replaceFirst("\"signature\":\"[^\"]+\"", "\"signature\":\"AAAA\"");
        String badKeyId = signed.replaceFirst("\"key_id\":\"[^\"]+\"", "\"key_id\":\"xyz\"");

        assertThatThrownBy(() -> ModelAnnouncement.parse(badSignature)).isInstanceOf(InvalidElementException.class)
                .hasMessage("model announcement's 'signature' must be the base64 of a 64-byte Ed25519 signature");
        assertThatThrownBy(() -> ModelAnnouncement.parse(badKeyId)).isInstanceOf(InvalidElementException.class)
                .hasMessageContaining("'key_id' must be 64 lower-case hex digits");
        // what a reader of the first wire format reads: the same version, the signature fields unknown to it
        ModelAnnouncement firstFormat = ModelAnnouncement.parse(signed);
        assertThat(new ModelAnnouncement(firstFormat.model(), firstFormat.version(), firstFormat.sha256(), firstFormat.uri(),
                firstFormat.inline(), firstFormat.eval())).isEqualTo(announcement("sum", 3));
    }

    @Test
    void withTwoTrustedKeysEitherSignatureIsAccepted() {
        TrustedKeys rotation = TrustedKeys.of(OLD.publicKey(), NEW.publicKey());

        assertThat(ModelSignatures.refusal(ModelSignatures.sign(announcement("sum", 3), OLD), rotation)).isNull();
        assertThat(ModelSignatures.refusal(ModelSignatures.sign(announcement("sum", 4), NEW), rotation)).isNull();
        // once the old key is dropped, what it signs is refused
        assertThat(ModelSignatures.refusal(ModelSignatures.sign(announcement("sum", 5), OLD), TrustedKeys.of(NEW.publicKey())))
                .contains("is signed by key " + OLD.keyId().substring(0, 16) + "…, which is not one of the 1 trusted keys");
    }

    @Test
    void anUnsignedAnnouncementIsRefused() {
        assertThat(ModelSignatures.refusal(announcement("sum", 3), TrustedKeys.of(NEW.publicKey())))
                .isEqualTo("model sum v3 is not signed, and this job accepts only versions signed by one of its 1 trusted keys (--trusted-keys)");
    }

    @Test
    void aSignatureByAnotherKeyIsRefusedEvenUnderATrustedKeysId() {
        ModelAnnouncement a = announcement("sum", 3);
        ModelAnnouncement forged = ModelSignatures.sign(a, STRANGER);
        ModelAnnouncement forgedUnderTrustedId = forged.withSignature(forged.signature(), NEW.keyId());
        ModelAnnouncement forgedWithoutId = forged.withSignature(forged.signature(), null);
        TrustedKeys trusted = TrustedKeys.of(OLD.publicKey(), NEW.publicKey());

        assertThat(ModelSignatures.refusal(forged, trusted)).contains("not one of the 2 trusted keys");
        assertThat(ModelSignatures.refusal(forgedUnderTrustedId, trusted))
                .isEqualTo("model sum v3: the signature of trusted key " + NEW.keyId().substring(0, 16) + "… does not verify: the model name, "
                        + "version or file SHA-256 differ from what was signed (a forged, altered or replayed announcement)");
        assertThat(ModelSignatures.refusal(forgedWithoutId, trusted)).contains("verifies with none of the 2 trusted keys");
        // without a key id, a trusted signature is still found
        assertThat(ModelSignatures.refusal(ModelSignatures.sign(a, OLD).withSignature(ModelSignatures.sign(a, OLD).signature(), null), trusted))
                .isNull();
    }

    @Test
    void aSignedFileReplayedUnderAnotherVersionOrNameOrWithAnotherFileIsRefused() {
        ModelAnnouncement v3 = ModelSignatures.sign(announcement("sum", 3), NEW);
        TrustedKeys trusted = TrustedKeys.of(NEW.publicKey());
        ModelAnnouncement asV7 = new ModelAnnouncement(v3.model(), 7, v3.sha256(), null, v3.inline(), null, v3.signature(), v3.keyId());
        ModelAnnouncement asOtherName = new ModelAnnouncement("tagger", 3, v3.sha256(), null, v3.inline(), null, v3.signature(), v3.keyId());
        ModelAnnouncement other = announcement("sum", 3, 4);
        ModelAnnouncement otherFile = new ModelAnnouncement("sum", 3, other.sha256(), null, other.inline(), null, v3.signature(), v3.keyId());

        for (ModelAnnouncement replay : new ModelAnnouncement[]{asV7, asOtherName, otherFile}) {
            assertThat(ModelSignatures.refusal(replay, trusted)).as(replay.model() + " v" + replay.version()).contains("does not verify");
        }
    }
}
