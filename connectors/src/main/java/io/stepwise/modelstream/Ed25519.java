package io.stepwise.modelstream;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys as the JDK has them (no other library) and as files hold them: PEM blocks of the
 * standard DER encodings, {@code PRIVATE KEY} (PKCS#8) and {@code PUBLIC KEY} (X.509
 * SubjectPublicKeyInfo), which OpenSSL reads and writes too. A key's id is the SHA-256 of its
 * public key's DER encoding, in hex.
 */
final class Ed25519 {

    static final String ALGORITHM = "Ed25519";
    static final String PRIVATE = "PRIVATE KEY";
    static final String PUBLIC = "PUBLIC KEY";
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

    private Ed25519() {
    }

    /** One PEM block: its type ({@code PUBLIC KEY}) and the DER bytes it holds. */
    record Block(String type, byte[] der) {
    }

    static List<Block> blocks(String text, String source) {
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": the " + m.group(1) + " block is not base64: " + e.getMessage());
            }
        }
        return out;
    }

    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    static PublicKey publicKey(byte[] x509, String source) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(x509));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(source + ": not an Ed25519 public key (" + e.getMessage() + ")");
        }
    }

    static PrivateKey privateKey(byte[] pkcs8, String source) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(source + ": not an Ed25519 private key (" + e.getMessage() + ")");
        }
    }

    /** The id of the public key whose X.509 encoding is {@code x509}: its SHA-256, in hex. */
    static String keyId(byte[] x509) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(x509));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The first characters of a key id, enough to tell keys apart in a message. */
    static String shortId(String keyId) {
        return keyId.length() > 16 ? keyId.substring(0, 16) + "…" : keyId;
    }
}
