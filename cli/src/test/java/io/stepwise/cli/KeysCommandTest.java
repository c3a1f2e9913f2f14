package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.modelstream.SigningKey;
import io.stepwise.modelstream.TrustedKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `stepwise keys generate`: a key pair in standard PEM, the private half for its owner only. */
class KeysCommandTest {

    @TempDir
    Path dir;

    @Test
    void generateWritesAKeyPairAndPrintsItsId() throws Exception {
        Path out = dir.resolve("keys");

        CliRun r = CliRun.of(new KeysCommand(), "generate", "--out", out.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        SigningKey key = SigningKey.read(out.resolve("signing-key.pem"));
        assertThat(r.out()).contains("key id: " + key.keyId(), out.resolve("signing-key.pem").toString(),
                out.resolve("public-key.pem").toString());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("signing-key.pem")))).isEqualTo("rw-------");
        assertThat(TrustedKeys.read(out.resolve("public-key.pem")).ids()).containsExactly(key.keyId());
    }

    @Test
    void generateNeverReplacesAKey() throws Exception {
        CliRun.of(new KeysCommand(), "generate", "--out", dir.toString());
        String before = Files.readString(dir.resolve("signing-key.pem"));

        CliRun again = CliRun.of(new KeysCommand(), "generate", "--out", dir.toString());

        assertThat(again.isOneLineUserError()).as(again.err()).isTrue();
        assertThat(again.err()).contains("already exists: " + dir.resolve("signing-key.pem"));
        assertThat(Files.readString(dir.resolve("signing-key.pem"))).isEqualTo(before);
    }
}
