package io.stepwise.modelstream;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The public keys whose signatures an inference job accepts ({@code --trusted-keys FILE}): one or
 * more PEM {@code PUBLIC KEY} blocks (X.509 DER, Ed25519) in one file, so that a key can be
 * rotated: trust the old and the new key together, switch the publishers to the new one, then drop
 * the old one. Each key is known by its id ({@link SigningKey#keyId()}).
 *
 * <p>A file that holds a private key is refused: a trusted-keys file goes to every machine that runs
 * the job, a private key to the publishers alone.
 */
public final class TrustedKeys implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<byte[]> encoded;
    private transient Map<String, PublicKey> byId;

    private TrustedKeys(List<byte[]> encoded, String source) {
        this.encoded = List.copyOf(encoded);
        this.byId = keys(source);
    }

    /** The keys whose X.509 encodings are given. */
    public static TrustedKeys of(byte[]... x509) {
        return new TrustedKeys(List.of(x509), "a trusted key");
    }

    /** The public keys in {@code file}. */
    public static TrustedKeys read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the trusted keys " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** The public keys in {@code text}, the contents of a file named {@code file} (for messages). */
    public static TrustedKeys parse(String text, String file) {
        String source = "trusted keys " + file;
        List<byte[]> keys = new ArrayList<>();
        for (Ed25519.Block b : Ed25519.blocks(text, source)) {
            if (b.type().contains("PRIVATE")) {
                throw new IllegalArgumentException(source + " holds a private key; give only public keys (" + SigningKey.PUBLIC_FILE
                        + " of stepwise keys generate)");
            }
            if (b.type().equals(Ed25519.PUBLIC)) {
                keys.add(b.der());
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no PEM 'PUBLIC KEY' block");
        }
        return new TrustedKeys(keys, source);
    }

    private Map<String, PublicKey> keys(String source) {
        Map<String, PublicKey> m = new LinkedHashMap<>();
        for (byte[] x509 : encoded) {
            m.put(Ed25519.keyId(x509), Ed25519.publicKey(x509, source));
        }
        return m;
    }

    private Map<String, PublicKey> byId() {
        if (byId == null) {
            byId = keys("trusted keys");
        }
        return byId;
    }

    /** The ids of the keys, in the file's order. */
    public Set<String> ids() {
        return byId().keySet();
    }

    public int size() {
        return byId().size();
    }

    public boolean contains(String keyId) {
        return byId().containsKey(keyId);
    }

    /** Whether key {@code keyId} is trusted and made {@code signature} of {@code message}. */
    public boolean verifies(String keyId, byte[] message, byte[] signature) {
        PublicKey k = byId().get(keyId);
        if (k == null) {
            return false;
        }
        try {
            Signature s = Signature.getInstance(Ed25519.ALGORITHM);
            s.initVerify(k);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The trusted key that made {@code signature} of {@code message}, or null when none did. */
    public String signer(byte[] message, byte[] signature) {
        for (String id : ids()) {
            if (verifies(id, message, signature)) {
                return id;
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedKeys t && t.ids().equals(ids());
    }

    @Override
    public int hashCode() {
        return ids().hashCode();
    }

    @Override
    public String toString() {
        return "TrustedKeys" + ids().stream().map(Ed25519::shortId).toList();
    }
}
