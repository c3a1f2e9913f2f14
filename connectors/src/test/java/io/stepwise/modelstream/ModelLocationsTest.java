package io.stepwise.modelstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Announced URIs are fetched only from the folders a job allows. */
class ModelLocationsTest {

    @Test
    void foldersAreNormalizedUrisEndingWithASlash(@TempDir Path dir) {
        ModelLocations l = ModelLocations.of(List.of("/var/lib/stepwise/models", "file:/srv/models/./x/..", "s3://Bucket/models",
                dir.toString() + "/"));

        assertThat(l.folders()).containsExactly("file:///var/lib/stepwise/models/", "file:///srv/models/", "s3://bucket/models/",
                dir.toUri().toString().replaceFirst("/?$", "/"));
    }

    @Test
    void aUriInsideAnAllowedFolderIsAllowed() {
        ModelLocations l = ModelLocations.of(List.of("file:///models/", "s3://bucket/models"));

        assertThat(l.refusal("file:///models/tagger-v3.stepwise")).isNull();
        assertThat(l.refusal("file:/models/sub/tagger-v3.stepwise")).isNull();
        assertThat(l.refusal("file:///models/./tagger-v3.stepwise")).isNull();
        assertThat(l.refusal("s3://bucket/models/tagger-v3.stepwise")).isNull();
    }

    @Test
    void everythingElseIsRefusedWithTheReason() {
        ModelLocations l = ModelLocations.of(List.of("file:///models/"));

        assertThat(l.refusal("file:///etc/passwd")).isEqualTo("model URI file:///etc/passwd is outside the allowed model locations "
                + "[file:///models/] (--model-uri-allow)");
        assertThat(l.refusal("file:///models-evil/x.stepwise")).contains("outside the allowed model locations");
        assertThat(l.refusal("file:///models/../etc/passwd")).contains("outside the allowed model locations");
        assertThat(l.refusal("file:///models/..%2F..%2Fetc/passwd")).isEqualTo("model URI 'file:///models/..%2F..%2Fetc/passwd' climbs out of "
                + "its folder with '..'");
        assertThat(l.refusal("s3://bucket/models/x.stepwise")).contains("outside");
        assertThat(l.refusal("file://otherhost/models/x.stepwise")).contains("outside");
        assertThat(l.refusal("models/x.stepwise")).isEqualTo("model URI 'models/x.stepwise' is not an absolute URI with a path");
        assertThat(l.refusal("http://[bad")).startsWith("model URI 'http://[bad' is not a URI");
        assertThat(ModelLocations.NONE.refusal("file:///models/x.stepwise")).isEqualTo("model URI file:///models/x.stepwise is not allowed: "
                + "this job allows no model locations (allow a folder with --model-uri-allow, serve from the folder of --model, "
                + "or announce the file inline)");
    }

    @Test
    void aSymbolicLinkOutOfTheFolderIsRefused(@TempDir Path dir) throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path secret = Files.writeString(dir.resolve("secret.txt"), "not a model");
        Files.createSymbolicLink(models.resolve("tagger-v9.stepwise"), secret);
        Files.writeString(models.resolve("tagger-v8.stepwise"), "a file");
        ModelLocations l = ModelLocations.of(List.of(models.toString()));

        assertThat(l.refusal(models.resolve("tagger-v8.stepwise").toUri().toString())).isNull();
        assertThat(l.refusal(models.resolve("tagger-v9.stepwise").toUri().toString()))
                .contains("leads through a symbolic link to " + secret.toRealPath() + ", outside the allowed folder");
    }

    @Test
    void aBadFolderIsRefusedAtOnce() {
        assertThatThrownBy(() -> ModelLocations.of(List.of("mailto:me@example.com")))
                .hasMessageStartingWith("--model-uri-allow 'mailto:me@example.com' must be an absolute folder URI");
    }
}
