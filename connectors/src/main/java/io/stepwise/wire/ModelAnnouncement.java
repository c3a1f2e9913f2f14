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
 */
public record ModelAnnouncement(String model, int version, String sha256, String uri, String inline, String eval) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

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
        return new ModelAnnouncement(model.textValue(), version.intValue(), sha.textValue(), uri, inline, eval);
    }

    public static ModelAnnouncement inline(String model, int version, byte[] file, String sha256) {
        return new ModelAnnouncement(model, version, sha256, null, Base64.getEncoder().encodeToString(file), null);
    }

    public static ModelAnnouncement at(String model, int version, String uri, String sha256) {
        return new ModelAnnouncement(model, version, sha256, uri, null, null);
    }

    public ModelAnnouncement withEval(String evalJson) {
        return new ModelAnnouncement(model, version, sha256, uri, inline, evalJson);
    }

    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", model);
        o.put("version", version);
        o.put("sha256", sha256);
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
