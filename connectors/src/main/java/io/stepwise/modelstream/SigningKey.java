package io.stepwise.modelstream;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.List;

/**
 * The Ed25519 key that signs model versions (the training job's {@code --signing-key}, {@code
 * stepwise publish --signing-key}), made by {@code stepwise keys generate} with the JDK's own
 * {@code java.security}. Its file holds two PEM blocks: the private key ({@code PRIVATE KEY},
 * PKCS#8 DER) and its public key ({@code PUBLIC KEY}, X.509 DER), which names the key in every
 * signature it makes (its {@link #keyId()}). The JDK cannot derive an Ed25519 public key from the
 * private one, hence both; a key made elsewhere ({@code openssl genpkey -algorithm ed25519}) gets
 * its public block with {@code openssl pkey -in KEY -pubout >> KEY}.
 *
 * <p>It is serializable because a job carries it to the TaskManager that signs; {@link #toString}
 * shows the key id only, never the key.
 */
public final class SigningKey implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The file names {@link #writeNew} uses in its folder. */
    public static final String PRIVATE_FILE = "signing-key.pem";
    public static final String PUBLIC_FILE = "public-key.pem";

    private final byte[] pkcs8;
    private final byte[] x509;
    private transient PrivateKey key;

    private SigningKey(byte[] pkcs8, byte[] x509, String source) {
        this.pkcs8 = pkcs8.clone();
        this.x509 = x509.clone();
        this.key = Ed25519.privateKey(pkcs8, source);
        Ed25519.publicKey(x509, source);
        byte[] probe = "stepwise key check".getBytes(StandardCharsets.US_ASCII);
        if (!TrustedKeys.of(x509).verifies(keyId(), probe, sign(probe))) {
            throw new IllegalArgumentException(source + ": its PUBLIC KEY does not belong to its PRIVATE KEY");
        }
    }

    /** A new key pair, from the JDK's strong random source. */
    public static SigningKey generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(Ed25519.ALGORITHM).generateKeyPair();
            return new SigningKey(pair.getPrivate().getEncoded(), pair.getPublic().getEncoded(), "a new key");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime has no Ed25519 (Java 15 or later has it)", e);
        }
    }

    /** The key in {@code file}: a {@code PRIVATE KEY} and a {@code PUBLIC KEY} PEM block. */
    public static SigningKey read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the signing key " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** The key in {@code text}, the contents of a key file named {@code file} (for messages). */
    public static SigningKey parse(String text, String file) {
        String source = "signing key " + file;
        List<Ed25519.Block> blocks = Ed25519.blocks(text, source);
        List<Ed25519.Block> priv = blocks.stream().filter(b -> b.type().equals(Ed25519.PRIVATE)).toList();
        List<Ed25519.Block> pub = blocks.stream().filter(b -> b.type().equals(Ed25519.PUBLIC)).toList();
        if (priv.size() != 1) {
            throw new IllegalArgumentException(source + ": expected one PEM 'PRIVATE KEY' block (stepwise keys generate), found "
                    + priv.size());
        }
        if (pub.size() != 1) {
            throw new IllegalArgumentException(source + ": expected its PEM 'PUBLIC KEY' block after the private key; add it with "
                    + "'openssl pkey -in " + file + " -pubout >> " + file + "'");
        }
        return new SigningKey(priv.get(0).der(), pub.get(0).der(), source);
    }

    /**
     * Writes a new key pair into {@code dir}: {@value #PRIVATE_FILE} (private and public key,
     * readable by the owner only) and {@value #PUBLIC_FILE} (the public key, for {@code
     * --trusted-keys}). Refuses to replace existing files. Returns the key.
     */
    public static SigningKey writeNew(Path dir) throws IOException {
        SigningKey k = generate();
        Files.createDirectories(dir);
        Path priv = dir.resolve(PRIVATE_FILE);
        Path pub = dir.resolve(PUBLIC_FILE);
        for (Path p : new Path[]{priv, pub}) {
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new java.nio.file.FileAlreadyExistsException(p.toString());
            }
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            // created owner-only, so that the key is never readable by others, not even for a moment
            Files.createFile(priv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(priv);
        }
        Files.writeString(priv, k.pem(), StandardCharsets.US_ASCII);
        Files.writeString(pub, k.publicPem(), StandardCharsets.US_ASCII);
        return k;
    }

    /** The key file's text: the private and the public key, PEM. */
    public String pem() {
        return Ed25519.pem(Ed25519.PRIVATE, pkcs8) + Ed25519.pem(Ed25519.PUBLIC, x509);
    }

    /** The public key, PEM: what {@code --trusted-keys} files hold. */
    public String publicPem() {
        return Ed25519.pem(Ed25519.PUBLIC, x509);
    }

    /** The public key's X.509 (SubjectPublicKeyInfo) DER encoding. */
    public byte[] publicKey() {
        return x509.clone();
    }

    /** The SHA-256 of the public key's DER encoding, in hex: the {@code key_id} of its signatures. */
    public String keyId() {
        return Ed25519.keyId(x509);
    }

    /** The Ed25519 signature of {@code message} (64 bytes). */
    public byte[] sign(byte[] message) {
        try {
            if (key == null) {
                key = Ed25519.privateKey(pkcs8, "signing key " + Ed25519.shortId(keyId()));
            }
            Signature s = Signature.getInstance(Ed25519.ALGORITHM);
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with Ed25519 failed: " + e.getMessage(), e);
        }
    }

    /** Names the key, never shows it. */
    @Override
    public String toString() {
        return "SigningKey{id=" + Ed25519.shortId(keyId()) + "}";
    }
}
