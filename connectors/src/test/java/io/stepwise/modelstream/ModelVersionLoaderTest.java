package io.stepwise.modelstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelLimits;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.wire.ModelAnnouncement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order of the checks: signature and location before anything is fetched, size while it is, the file last. */
class ModelVersionLoaderTest {

    private static final SigningKey KEY = SigningKey.generate();

    private static byte[] file(int version) {
        return ModelFile.toBytes(new SumModel(new ModelMeta("sum", version, Map.of()), 3, 1, 10f, 10f).initRandom(version));
    }

    @Test
    void aSignedFileInAnAllowedFolderLoads(@TempDir Path dir) throws Exception {
        byte[] f = file(2);
        Path p = Files.write(dir.resolve("sum-v2.stepwise"), f);
        ModelAnnouncement a = ModelSignatures.sign(ModelAnnouncement.at("sum", 2, p.toUri().toString(), ModelFile.sha256Hex(f)), KEY);
        ModelAdmission admission = new ModelAdmission(TrustedKeys.of(KEY.publicKey()), ModelLocations.of(List.of(dir.toString())),
                ModelLimits.DEFAULTS);

        ModelVersionLoader.Loaded loaded = ModelVersionLoader.load(a, admission);

        assertThat(loaded.bytes()).isEqualTo(f);
        assertThat(loaded.model().version()).isEqualTo(2);
    }

    @Test
    void anUnsignedAnnouncementIsRefusedBeforeItsUriIsOpened() {
        // the URI does not exist: a refusal that names the signature shows it was never opened
        ModelAnnouncement a = ModelAnnouncement.at("sum", 2, "file:///nonexistent/sum-v2.stepwise", "a".repeat(64));
        ModelAdmission admission = new ModelAdmission(TrustedKeys.of(KEY.publicKey()), ModelLocations.of(List.of("/nonexistent")),
                ModelLimits.DEFAULTS);

        assertThatThrownBy(() -> ModelVersionLoader.load(a, admission)).isInstanceOf(IOException.class).hasMessageContaining("is not signed");
    }

    @Test
    void aUriOutsideTheAllowedFoldersIsRefusedBeforeItIsOpened() {
        ModelAnnouncement a = ModelAnnouncement.at("sum", 2, "file:///etc/passwd", "a".repeat(64));

        assertThatThrownBy(() -> ModelVersionLoader.load(a, ModelAdmission.defaults()))
                .hasMessageStartingWith("model URI file:///etc/passwd is not allowed");
        assertThatThrownBy(() -> ModelVersionLoader.load(a, new ModelAdmission(null, ModelLocations.of(List.of("/models")), ModelLimits.DEFAULTS)))
                .hasMessage("model URI file:///etc/passwd is outside the allowed model locations [file:///models/] (--model-uri-allow)");
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedFromItsLengthOrInline(@TempDir Path dir) throws Exception {
        byte[] f = file(2);
        Path p = Files.write(dir.resolve("sum-v2.stepwise"), f);
        ModelAdmission small = new ModelAdmission(null, ModelLocations.of(List.of(dir.toString())), ModelLimits.DEFAULTS.withMaxFileBytes(100));

        assertThatThrownBy(() -> ModelVersionLoader.load(ModelAnnouncement.at("sum", 2, p.toUri().toString(), ModelFile.sha256Hex(f)), small))
                .hasMessageEndingWith("has " + f.length + " bytes, more than the limit of 100 (--max-model-bytes)");
        assertThatThrownBy(() -> ModelVersionLoader.load(ModelAnnouncement.inline("sum", 2, f, ModelFile.sha256Hex(f)), small))
                .hasMessageContaining("the inline file has about").hasMessageEndingWith("more than the limit of 100 (--max-model-bytes)");
    }

    @Test
    void aFileBeyondTheModelLimitsIsRefusedWithTheReaderMessage() {
        byte[] f = file(2);
        ModelAdmission tight = new ModelAdmission(null, ModelLocations.NONE, new ModelLimits.Builder().maxHiddenSize(2).build());

        assertThatThrownBy(() -> ModelVersionLoader.load(ModelAnnouncement.inline("sum", 2, f, ModelFile.sha256Hex(f)), tight))
                .hasMessageContaining("architecture.hidden_size is 3, more than the limit of 2");
    }
}
