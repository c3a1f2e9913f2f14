package io.stepwise.modelstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key files: standard encodings any tool reads, the private one for its owner only, and clear refusals. */
class SigningKeyTest {

    @Test
    void writeNewMakesAnOwnerOnlyPrivateKeyFileAndAPublicKeyFileInStandardPem(@TempDir Path dir) throws Exception {
        SigningKey k = SigningKey.writeNew(dir);

        Path priv = dir.resolve(SigningKey.PRIVATE_FILE);
        Path pub = dir.resolve(SigningKey.PUBLIC_FILE);
        assertThat(Files.getPosixFilePermissions(priv)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        String privText = Files.readString(priv);
        assertThat(privText).startsWith("-----BEGIN PRIVATE KEY-----\n").contains("-----END PRIVATE KEY-----\n-----BEGIN PUBLIC KEY-----\n")
                .endsWith("-----END PUBLIC KEY-----\n");
        assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----\n").doesNotContain("PRIVATE");
        // the blocks are PKCS#8 and X.509 DER, as the JDK (and OpenSSL) read them
        byte[] pkcs8 = Base64.getMimeDecoder().decode(between(privText, "PRIVATE KEY"));
        byte[] x509 = Base64.getMimeDecoder().decode(between(Files.readString(pub), "PUBLIC KEY"));
        assertThat(KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)).getAlgorithm()).isIn("EdDSA", "Ed25519");
        assertThat(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509)).getAlgorithm()).isIn("EdDSA", "Ed25519");
        // the key id is the SHA-256 of the public key's DER encoding
        assertThat(k.keyId()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(x509)));

        SigningKey back = SigningKey.read(priv);
        assertThat(back.keyId()).isEqualTo(k.keyId());
        assertThat(TrustedKeys.read(pub).ids()).containsExactly(k.keyId());
        assertThat(back.toString()).contains(k.keyId().substring(0, 16)).doesNotContain(between(privText, "PRIVATE KEY").substring(0, 20));
    }

    @Test
    void writeNewNeverReplacesAKey(@TempDir Path dir) throws Exception {
        SigningKey.writeNew(dir);
        String before = Files.readString(dir.resolve(SigningKey.PRIVATE_FILE));

        assertThatThrownBy(() -> SigningKey.writeNew(dir)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(dir.resolve(SigningKey.PRIVATE_FILE))).isEqualTo(before);
    }

    @Test
    void twoKeysAreDifferentAndSignaturesAreEd25519() {
        SigningKey a = SigningKey.generate();
        SigningKey b = SigningKey.generate();

        assertThat(a.keyId()).isNotEqualTo(b.keyId()).hasSize(64);
        byte[] sig = a.sign("m".getBytes());
        assertThat(sig).hasSize(64);
        assertThat(TrustedKeys.of(a.publicKey()).verifies(a.keyId(), "m".getBytes(), sig)).isTrue();
        assertThat(TrustedKeys.of(b.publicKey()).verifies(a.keyId(), "m".getBytes(), sig)).isFalse();
    }

    @Test
    void badKeyFilesAreRefusedWithTheFileNamed() {
        SigningKey a = SigningKey.generate();
        SigningKey b = SigningKey.generate();
        String onlyPrivate = a.pem().substring(0, a.pem().indexOf("-----BEGIN PUBLIC KEY"));
        String mismatched = onlyPrivate + b.publicPem();

        assertThatThrownBy(() -> SigningKey.parse(onlyPrivate, "k.pem"))
                .hasMessage("signing key k.pem: expected its PEM 'PUBLIC KEY' block after the private key; add it with "
                        + "'openssl pkey -in k.pem -pubout >> k.pem'");
        assertThatThrownBy(() -> SigningKey.parse(mismatched, "k.pem"))
                .hasMessage("signing key k.pem: its PUBLIC KEY does not belong to its PRIVATE KEY");
        assertThatThrownBy(() -> SigningKey.parse(a.publicPem(), "pub.pem"))
                .hasMessageStartingWith("signing key pub.pem: expected one PEM 'PRIVATE KEY' block");
        assertThatThrownBy(() -> TrustedKeys.parse(a.pem(), "trusted.pem"))
                .hasMessageStartingWith("trusted keys trusted.pem holds a private key; give only public keys");
        assertThatThrownBy(() -> TrustedKeys.parse("nothing here", "trusted.pem"))
                .hasMessage("trusted keys trusted.pem holds no PEM 'PUBLIC KEY' block");
        assertThatThrownBy(() -> TrustedKeys.parse("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "t.pem"))
                .hasMessageStartingWith("trusted keys t.pem: not an Ed25519 public key");
    }

    @Test
    void aTrustedKeysFileHoldsSeveralKeysForRotation() {
        SigningKey old = SigningKey.generate();
        SigningKey current = SigningKey.generate();

        TrustedKeys both = TrustedKeys.parse("# the key until March\n" + old.publicPem() + "\n# and its successor\n" + current.publicPem(), "t.pem");

        assertThat(both.ids()).containsExactly(old.keyId(), current.keyId());
        assertThat(both.toString()).doesNotContain("BEGIN");
    }

    private static String between(String pem, String type) {
        int s = pem.indexOf("-----BEGIN " + type + "-----") + ("-----BEGIN " + type + "-----").length();
        return pem.substring(s, pem.indexOf("-----END " + type + "-----")).strip();
    }
}
