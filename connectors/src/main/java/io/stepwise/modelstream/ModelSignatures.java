package io.stepwise.modelstream;

import io.stepwise.wire.ModelAnnouncement;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Signing and verifying model version announcements (docs/signing.md). The signed message binds the
 * file to the identity it is announced under:
 *
 * <pre>
 * stepwise-model-signature-v1\n
 * model=NAME\n
 * version=N\n
 * sha256=HEX\n
 * </pre>
 *
 * <p>in UTF-8, where HEX is the 64 lower-case hex digits of the SHA-256 of the whole model file (the
 * announcement's {@code sha256}). So a signature covers the file's bytes, its name and its version:
 * a file signed as v3 cannot be announced as v7, nor under another name, and a signature made for
 * anything else (another protocol, another format version of this one) never verifies here. The
 * last two lines have a fixed form, so the message reads back unambiguously whatever the name holds.
 * The announcement's other fields ({@code uri}, {@code inline}, {@code eval}) are not signed: where
 * a file lies does not change what it is, and its bytes are checked against the signed SHA-256.
 */
public final class ModelSignatures {

    /** The first line of every signed message: what the signature is for, and its version. */
    public static final String DOMAIN = "stepwise-model-signature-v1";

    private ModelSignatures() {
    }

    /** The message a signature of model {@code model} version {@code version} with file SHA-256 {@code sha256Hex} signs. */
    public static byte[] message(String model, int version, String sha256Hex) {
        return (DOMAIN + "\nmodel=" + model + "\nversion=" + version + "\nsha256=" + sha256Hex + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code a} signed with {@code key}: its signature and the key's id beside its {@code sha256}. */
    public static ModelAnnouncement sign(ModelAnnouncement a, SigningKey key) {
        byte[] sig = key.sign(message(a.model(), a.version(), a.sha256()));
        return a.withSignature(Base64.getEncoder().encodeToString(sig), key.keyId());
    }

    /**
     * Why {@code a} is not accepted under {@code trusted}: not signed, signed by a key not trusted,
     * or a signature that does not verify (the file, name or version differ from what was signed);
     * null when one of the trusted keys signed exactly this model, version and file.
     */
    public static String refusal(ModelAnnouncement a, TrustedKeys trusted) {
        String what = "model " + a.model() + " v" + a.version();
        if (!a.signed()) {
            return what + " is not signed, and this job accepts only versions signed by one of its " + trusted.size()
                    + " trusted keys (--trusted-keys)";
        }
        byte[] sig = ModelAnnouncement.signatureBytes(a.signature());
        if (sig == null) {
            return what + ": its signature is not an Ed25519 signature";
        }
        byte[] message = message(a.model(), a.version(), a.sha256());
        if (a.keyId() == null) {
            return trusted.signer(message, sig) != null ? null
                    : what + ": its signature (without a key_id) verifies with none of the " + trusted.size() + " trusted keys";
        }
        if (!trusted.contains(a.keyId())) {
            return what + " is signed by key " + Ed25519.shortId(a.keyId()) + ", which is not one of the " + trusted.size()
                    + " trusted keys (--trusted-keys)";
        }
        if (!trusted.verifies(a.keyId(), message, sig)) {
            return what + ": the signature of trusted key " + Ed25519.shortId(a.keyId()) + " does not verify: the model name, "
                    + "version or file SHA-256 differ from what was signed (a forged, altered or replayed announcement)";
        }
        return null;
    }
}
