package io.stepwise.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A new model version, announced on the model topic (key = model name):
 * {@code {"model":"tagger","version":4,"sha256":"<hex>","uri":"file:///…"}} or with
 * {@code "inline":"<base64 model file>"} instead of {@code uri}. {@code eval} carries the
 * version's evaluation figures as JSON text, when the trainer published some.
 *
 * <p>A signed version also carries {@code "signature"} (base64 of an Ed25519 signature over the
 * model's name, version and {@code sha256}; docs/signing.md) and {@code "key_id"} (hex SHA-256 of
 * the signer's public key). Both are optional, so readers of the first wire format, which ignore
 * fields they do not know, read a signed announcement as before.
 */
public record ModelAnnouncement(String model, int version, String sha256, String uri, String inline, String eval,
                                String signature, String keyId) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    /** An Ed25519 signature is 64 bytes: 88 base64 characters with their padding. */
    private static final int SIGNATURE_BYTES = 64;

    /** An unsigned announcement. */
    public ModelAnnouncement(String model, int version, String sha256, String uri, String inline, String eval) {
        this(model, version, sha256, uri, inline, eval, null, null);
    }

    public static ModelAnnouncement parse(String raw) throws InvalidElementException {
        JsonNode n;
        try {
            n = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new InvalidElementException("model announcement is not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new InvalidElementException("model announcement is not a JSON object");
        }
        JsonNode model = n.get("model");
        JsonNode version = n.get("version");
        JsonNode sha = n.get("sha256");
        if (model == null || !model.isTextual() || model.textValue().isBlank()) {
            throw new InvalidElementException("model announcement lacks a 'model' name");
        }
        if (version == null || !version.canConvertToInt() || !version.isIntegralNumber() || version.intValue() < 1) {
            throw new InvalidElementException("model announcement needs an integer 'version' >= 1");
        }
        if (sha == null || !sha.isTextual() || !HEX64.matcher(sha.textValue()).matches()) {
            throw new InvalidElementException("model announcement needs 'sha256': 64 lower-case hex digits");
        }
        String uri = n.hasNonNull("uri") ? n.get("uri").asText() : null;
        String inline = n.hasNonNull("inline") ? n.get("inline").asText() : null;
        if ((uri == null) == (inline == null)) {
            throw new InvalidElementException("model announcement needs exactly one of 'uri' and 'inline'");
        }
        String eval = n.hasNonNull("eval") ? n.get("eval").toString() : null;
        String signature = n.hasNonNull("signature") ? n.get("signature").asText() : null;
        String keyId = n.hasNonNull("key_id") ? n.get("key_id").asText() : null;
        if (signature != null && signatureBytes(signature) == null) {
            throw new InvalidElementException("model announcement's 'signature' must be the base64 of a " + SIGNATURE_BYTES
                    + "-byte Ed25519 signature");
        }
        if (keyId != null && (signature == null || !HEX64.matcher(keyId).matches())) {
            throw new InvalidElementException("model announcement's 'key_id' must be 64 lower-case hex digits, beside a 'signature'");
        }
        return new ModelAnnouncement(model.textValue(), version.intValue(), sha.textValue(), uri, inline, eval, signature, keyId);
    }

    /** The signature's bytes, or null when it is absent or not the base64 of an Ed25519 signature. */
    public static byte[] signatureBytes(String base64) {
        try {
            byte[] b = Base64.getDecoder().decode(base64);
            return b.length == SIGNATURE_BYTES ? b : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static ModelAnnouncement inline(String model, int version, byte[] file, String sha256) {
        return new ModelAnnouncement(model, version, sha256, null, Base64.getEncoder().encodeToString(file), null);
    }

    public static ModelAnnouncement at(String model, int version, String uri, String sha256) {
        return new ModelAnnouncement(model, version, sha256, uri, null, null);
    }

    public ModelAnnouncement withEval(String evalJson) {
        return new ModelAnnouncement(model, version, sha256, uri, inline, evalJson, signature, keyId);
    }

    /** This announcement signed: {@code signature} in base64, by the key whose id is {@code keyId}. */
    public ModelAnnouncement withSignature(String signature, String keyId) {
        return new ModelAnnouncement(model, version, sha256, uri, inline, eval, signature, keyId);
    }

    public boolean signed() {
        return signature != null;
    }

    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", model);
        o.put("version", version);
        o.put("sha256", sha256);
        if (signature != null) {
            o.put("signature", signature);
            if (keyId != null) {
                o.put("key_id", keyId);
            }
        }
        if (uri != null) {
            o.put("uri", uri);
        } else {
            o.put("inline", inline);
        }
        if (eval != null) {
            try {
                o.set("eval", JSON.readTree(eval));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("eval is not JSON", e);
            }
        }
        return o.toString();
    }

    /** Where the file is, for messages. */
    public String source() {
        return uri != null ? uri : "inline (" + inline.length() + " base64 chars)";
    }
}
